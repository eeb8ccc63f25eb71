from django.contrib import admin

from .models import OutboxEvent


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    """Read-only: the outbox is a record of what happened."""

    list_display = ("id", "type", "aggregate", "aggregate_id", "created", "delivered_at", "attempts")
    list_filter = ("type", "aggregate", ("delivered_at", admin.EmptyFieldListFilter), "created")
    search_fields = ("aggregate_id", "type")
    date_hierarchy = "created"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
