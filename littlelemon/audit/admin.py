from django.contrib import admin
from django.utils.html import format_html_join

from littlelemon.core.admin import ReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the trail is a record of what happened, for admins to look through."""

    list_display = ("created", "actor_name", "action", "object_type", "object_id", "object_repr", "change_summary")
    list_filter = ("action", "object_type", ("actor", admin.RelatedOnlyFieldListFilter), "created")
    search_fields = ("object_repr", "object_id", "actor_name", "ip_address")
    date_hierarchy = "created"
    list_select_related = ("actor",)
    readonly_fields = (
        "created",
        "actor",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "change_table",
        "ip_address",
        "user_agent",
    )
    exclude = ("changes",)

    @admin.display(description="changes")
    def change_summary(self, entry: AuditEntry) -> str:
        return "; ".join(
            f"{name}: {change.get('before')!r} → {change.get('after')!r}" for name, change in entry.changes.items()
        )

    @admin.display(description="changes")
    def change_table(self, entry: AuditEntry) -> str:
        return format_html_join(
            "\n",
            "<div><strong>{}</strong>: {} → {}</div>",
            ((name, repr(change.get("before")), repr(change.get("after"))) for name, change in entry.changes.items()),
        )
