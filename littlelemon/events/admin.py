from django.contrib import admin, messages
from django.db.models import QuerySet

from .models import Delivery, DeliveryAttempt, DeliveryStatus, OutboxEvent
from .relay import deliveries_retry


class ReadOnlyAdmin(admin.ModelAdmin):
    """The outbox and its deliveries are a record of what happened: nobody edits them by hand."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ("id", "target", "status", "attempts", "next_attempt_at", "delivered_at", "last_error")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "type", "aggregate", "aggregate_id", "created", "routed_at", "delivered_at")
    list_filter = ("type", "aggregate", ("delivered_at", admin.EmptyFieldListFilter), "created")
    search_fields = ("aggregate_id", "type")
    date_hierarchy = "created"
    inlines = [DeliveryInline]


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("number", "at", "succeeded", "response_code", "duration_ms", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """Every delivery of every event; filter by status "Dead letter" for the dead letters."""

    list_display = ("id", "event", "target", "status", "attempts", "next_attempt_at", "delivered_at", "short_error")
    list_filter = ("status", "target", "created")
    list_select_related = ("event",)
    search_fields = ("=id", "target", "aggregate", "event__type")
    date_hierarchy = "created"
    inlines = [AttemptInline]
    actions = ["retry"]

    @admin.display(description="last error")
    def short_error(self, delivery: Delivery) -> str:
        return delivery.last_error[:120]

    @admin.action(description="Retry the selected deliveries now (same delivery id)")
    def retry(self, request, queryset: QuerySet[Delivery]) -> None:
        chosen = list(queryset.exclude(status=DeliveryStatus.DELIVERED))
        count = deliveries_retry(chosen)
        skipped = queryset.count() - len(chosen)
        self.message_user(request, f"{count} deliveries queued to be tried again.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} already delivered: left alone.", messages.WARNING)
