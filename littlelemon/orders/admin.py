"""Orders in the admin are records to read: money and status only change through the services
(the API and the staff pages), which enforce the lifecycle and write the timeline and events."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from littlelemon.core.admin import ReadOnlyAdmin

from .models import DeliveryProof, Order, OrderEvent, OrderItem


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OrderItemInline(ReadOnlyInline):
    model = OrderItem
    fields = ("menuitem", "title", "quantity", "unit_price", "price")
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("at", "kind", "from_status", "to_status", "actor", "note")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    """Orders are placed from a cart and are the restaurant's sales records: never added, changed
    or deleted here."""

    list_display = (
        "id",
        "created",
        "customer",
        "guest_name",
        "status",
        "fulfilment",
        "scheduled_for",
        "total",
        "payment_method",
        "payment_status",
        "delivery_crew",
    )
    list_filter = (
        "status",
        "fulfilment",
        "payment_method",
        "payment_status",
        ("created", admin.DateFieldListFilter),
        ("scheduled_for", admin.DateFieldListFilter),
        ("delivery_crew", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("customer", "delivery_crew")
    search_fields = (
        "=id",
        "customer__username",
        "customer__email",
        "guest_name",
        "guest_email",
        "delivery_address",
        "notes",
        "idempotency_key",
    )
    date_hierarchy = "created"
    inlines = (OrderItemInline, OrderEventInline)
    fieldsets = (
        (None, {"fields": ("customer", "status", "fulfilment", "delivery_address", "scheduled_for", "notes")}),
        ("Guest (no account)", {"fields": ("guest_name", "guest_email", "guest_phone")}),
        ("Delivery", {"fields": ("delivery_crew", "proof_of_delivery")}),
        ("Money", {"fields": ("subtotal", "delivery_fee", "tax", "tip", "total", "payment_method", "payment_status")}),
        ("Record", {"fields": ("created", "updated", "finished_at", "idempotency_key", "request_fingerprint")}),
    )
    readonly_fields = tuple(field for _title, options in fieldsets for field in options["fields"])

    @admin.display(description="Proof of delivery")
    def proof_of_delivery(self, order: Order) -> str:
        """Who took it at the door, who delivered it, and a link to the photo (served by the staff
        view that checks who asks, not as a public media URL)."""
        proof = DeliveryProof.objects.select_related("delivered_by").filter(order=order).first()
        if proof is None:
            return "-"
        by = proof.delivered_by.username if proof.delivered_by else "-"
        if not proof.photo:
            return format_html("Taken by {} at {}; delivered by {}. No photo.", proof.recipient_name, proof.at, by)
        return format_html(
            'Taken by {} at {}; delivered by {}. <a href="{}" target="_blank" rel="noopener">Photo</a>',
            proof.recipient_name,
            proof.at,
            by,
            reverse("staff:delivery_proof_photo", args=[order.pk]),
        )


@admin.register(OrderEvent)
class OrderEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "order", "at", "kind", "from_status", "to_status", "actor", "note")
    list_filter = ("kind", "to_status", ("at", admin.DateFieldListFilter))
    list_select_related = ("order", "actor")
    search_fields = ("=order__id", "actor__username", "note")
    date_hierarchy = "at"


@admin.register(OrderItem)
class OrderItemAdmin(ReadOnlyAdmin):
    """Which orders had a dish, and at what price."""

    list_display = ("id", "order", "title", "quantity", "unit_price", "price")
    list_select_related = ("order",)
    list_filter = (("order__created", admin.DateFieldListFilter),)
    search_fields = ("title", "=order__id")


@admin.register(DeliveryProof)
class DeliveryProofAdmin(ReadOnlyAdmin):
    """Proofs of delivery, written with the delivery (`orders.delivery.order_deliver`)."""

    list_display = ("order", "recipient_name", "delivered_by", "at")
    list_select_related = ("order", "delivered_by")
    search_fields = ("=order__id", "recipient_name", "delivered_by__username")
    date_hierarchy = "at"
    fields = ("order", "recipient_name", "delivered_by", "at", "photo_link")
    readonly_fields = fields

    @admin.display(description="Photo")
    def photo_link(self, proof: DeliveryProof) -> str:
        if not proof.photo:
            return "-"
        url = reverse("staff:delivery_proof_photo", args=[proof.order_id])
        return format_html('<a href="{}" target="_blank" rel="noopener">Open the photo</a>', url)
