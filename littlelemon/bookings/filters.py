import django_filters
from django.db.models import QuerySet

from littlelemon.core.filters import IdFilter

from .enums import BookingStatus
from .models import Booking
from .selectors import booking_list_on


class BookingFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(
        method="filter_date", help_text="A local date (the restaurant's time zone): bookings starting that day."
    )
    status = django_filters.ChoiceFilter(choices=BookingStatus.choices)
    table = IdFilter(field_name="table_id", help_text="A table id.")
    ordering = django_filters.OrderingFilter(
        fields=(("start", "start"), ("table__label", "table")),
        help_text="`start` (the default) or `table` (by table label, then start); `-` reverses.",
    )

    class Meta:
        model = Booking
        fields = ("date", "status", "table")

    def filter_date(self, queryset: QuerySet[Booking], name: str, value) -> QuerySet[Booking]:
        return booking_list_on(day=value, bookings=queryset)

    @property
    def qs(self) -> QuerySet[Booking]:
        queryset = super().qs
        if self.form.cleaned_data.get("ordering"):
            # Stable tie-breakers, so a table's bookings come in time order and pages never overlap.
            queryset = queryset.order_by(*queryset.query.order_by, "start", "id")
        return queryset
