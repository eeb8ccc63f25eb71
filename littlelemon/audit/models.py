from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class AuditEntry(models.Model):
    """Who changed what, when, and from where: one row per change a person (or a script) made.

    Written by `audit_record()` inside the transaction of the change, so an entry exists if and
    only if the change does. Never edited: the admin shows it read-only.
    """

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for changes made by scripts and commands.",
    )
    actor_name = models.CharField(
        max_length=150, blank=True, help_text="The actor's username then (kept if the account goes)."
    )
    action = models.CharField(max_length=64, db_index=True, help_text="e.g. menu_item.update, role.grant")
    object_type = models.CharField(max_length=64, help_text="app_label.model of what changed, e.g. menu.menuitem")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, help_text="What changed, as it was called then.")
    changes = models.JSONField(
        encoder=DjangoJSONEncoder, default=dict, blank=True, help_text='{"field": {"before": ..., "after": ...}}'
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx"),
            models.Index(fields=["actor", "id"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name or 'system'} {self.action} {self.object_repr}"
