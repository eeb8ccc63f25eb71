from django.contrib import admin
from django.shortcuts import redirect

from .models import Closure, OpeningHours, RestaurantSettings
from .selectors import restaurant_settings_get


@admin.register(RestaurantSettings)
class RestaurantSettingsAdmin(admin.ModelAdmin):
    fieldsets = (
        (None, {"fields": ("name", "phone", "email", "address")}),
        (
            "Orders",
            {
                "fields": (
                    "currency",
                    "tax_rate",
                    "delivery_fee",
                    "minimum_order",
                    "order_cutoff_minutes",
                    "order_accept_timeout_minutes",
                    "order_scheduled_due_minutes",
                )
            },
        ),
        ("Busy mode", {"fields": ("orders_paused", "orders_paused_message")}),
        (
            "Bookings",
            {
                "fields": (
                    "booking_slot_minutes",
                    "booking_duration_minutes",
                    "booking_lead_minutes",
                    "booking_horizon_days",
                    "booking_max_party_size",
                    "booking_cancellation_cutoff_minutes",
                )
            },
        ),
    )

    def has_add_permission(self, request) -> bool:
        return False  # one row, created by migration

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:restaurant_restaurantsettings_change", restaurant_settings_get().pk)


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ("weekday", "opens", "closes")
    list_filter = ("weekday",)


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ("date", "reason")
    date_hierarchy = "date"
    search_fields = ("reason",)
