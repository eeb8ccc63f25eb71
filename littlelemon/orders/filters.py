from datetime import UTC

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField

from .enums import Fulfilment, OrderStatus
from .models import Order


class IdFilter(django_filters.Filter):
    """A database id: out-of-range numbers are a 400, not a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class UtcIsoDateTimeField(IsoDateTimeField):
    """ISO 8601, normalised to UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO allows."""

    default_error_messages = {"overflow": "This date and time is out of range."}

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["overflow"], code="overflow") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class OrderFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=OrderStatus.choices, help_text="Repeat for several: `?status=placed&status=accepted`."
    )
    fulfilment = django_filters.ChoiceFilter(choices=Fulfilment.choices)
    created_after = UtcIsoDateTimeFilter(
        field_name="created", lookup_expr="gte", help_text="ISO 8601; placed at or after."
    )
    created_before = UtcIsoDateTimeFilter(
        field_name="created", lookup_expr="lte", help_text="ISO 8601; placed at or before."
    )
    delivery_crew = IdFilter(field_name="delivery_crew", help_text="The assigned driver's user id.")

    class Meta:
        model = Order
        fields = ("status", "fulfilment", "created_after", "created_before", "delivery_crew")
