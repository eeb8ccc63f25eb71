from datetime import UTC

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField

from littlelemon.core.filters import IdFilter

from .enums import Fulfilment, OrderStatus
from .models import Order


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
    # Every filter has its label: django-filter otherwise derives it from the model on every
    # request (it builds the form each time), which cost more than the page's queries.
    status = django_filters.MultipleChoiceFilter(
        label="Status", choices=OrderStatus.choices, help_text="Repeat for several: `?status=placed&status=accepted`."
    )
    fulfilment = django_filters.ChoiceFilter(label="Fulfilment", choices=Fulfilment.choices)
    created_after = UtcIsoDateTimeFilter(
        label="Created after", field_name="created", lookup_expr="gte", help_text="ISO 8601; placed at or after."
    )
    created_before = UtcIsoDateTimeFilter(
        label="Created before", field_name="created", lookup_expr="lte", help_text="ISO 8601; placed at or before."
    )
    delivery_crew = IdFilter(
        label="Delivery crew", field_name="delivery_crew", help_text="The assigned driver's user id."
    )

    class Meta:
        model = Order
        fields = ("status", "fulfilment", "created_after", "created_before", "delivery_crew")
