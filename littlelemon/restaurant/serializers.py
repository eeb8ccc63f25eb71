from decimal import Decimal

from rest_framework import serializers

from littlelemon.api.serializers import DecimalField, HourMinuteField

from .enums import Weekday
from .models import Closure, OpeningHours, RestaurantSettings


class RestaurantSettingsSerializer(serializers.ModelSerializer):
    currency = serializers.RegexField(
        r"^[A-Z]{3}\Z",
        max_length=3,
        required=False,
        error_messages={"invalid": "Use a 3-letter ISO 4217 code, e.g. USD."},
    )
    tax_rate = DecimalField(
        max_digits=None, decimal_places=3, min_value=Decimal("0"), max_value=Decimal("100"), required=False
    )
    delivery_fee = DecimalField(
        max_digits=None, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("99999.99"), required=False
    )
    minimum_order = DecimalField(
        max_digits=None, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("99999.99"), required=False
    )

    class Meta:
        model = RestaurantSettings
        fields = (
            "name",
            "phone",
            "email",
            "address",
            "currency",
            "tax_rate",
            "delivery_fee",
            "minimum_order",
            "order_cutoff_minutes",
            "order_accept_timeout_minutes",
            "order_scheduled_due_minutes",
            "booking_slot_minutes",
            "booking_duration_minutes",
            "booking_lead_minutes",
            "booking_horizon_days",
            "booking_max_party_size",
            "booking_cancellation_cutoff_minutes",
            "orders_paused",
            "orders_paused_message",
            "updated",
        )
        # Busy mode is switched by the manager's order board (restaurant.services.orders_pause
        # and orders_resume); here it is read, so that an app can show the message.
        read_only_fields = ("orders_paused", "orders_paused_message", "updated")
        extra_kwargs = {
            "order_accept_timeout_minutes": {
                "error_messages": {
                    "min_value": "Use 0 (never reject) or a number of minutes up to 1440 (a day).",
                    "max_value": "Use 0 (never reject) or a number of minutes up to 1440 (a day).",
                }
            },
            "order_scheduled_due_minutes": {
                "error_messages": {
                    "min_value": "Use a number of minutes from 0 to 1440 (a day).",
                    "max_value": "Use a number of minutes from 0 to 1440 (a day).",
                }
            },
        }


class OpeningHoursSerializer(serializers.ModelSerializer):
    weekday = serializers.ChoiceField(choices=Weekday.choices, help_text="0 = Monday ... 6 = Sunday.")
    weekday_name = serializers.CharField(source="get_weekday_display", read_only=True)
    opens = HourMinuteField(help_text="HH:MM, local time.")
    closes = HourMinuteField(help_text="HH:MM, local time; 00:00 means midnight.")

    class Meta:
        model = OpeningHours
        fields = ("id", "weekday", "weekday_name", "opens", "closes")
        read_only_fields = ("id", "weekday_name")


class ClosureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Closure
        fields = ("id", "date", "reason")
        read_only_fields = ("id",)
        extra_kwargs = {"date": {"validators": []}}  # uniqueness is the service's, with a clear message
