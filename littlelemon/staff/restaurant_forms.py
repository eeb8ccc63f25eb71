"""The restaurant settings screen's forms (/staff/settings/). Field ranges come from the model
(its validators give the messages); the currency's check and the week's overlaps are
`restaurant.services`'."""

from django import forms

from littlelemon.restaurant.enums import Weekday
from littlelemon.restaurant.models import Closure, RestaurantSettings

GENERAL_FIELDS = ("name", "phone", "email", "address", "currency")
ORDER_FIELDS = (
    "minimum_order",
    "delivery_fee",
    "tax_rate",
    "order_cutoff_minutes",
    "order_accept_timeout_minutes",
    "order_scheduled_due_minutes",
)
BOOKING_FIELDS = (
    "booking_slot_minutes",
    "booking_duration_minutes",
    "booking_lead_minutes",
    "booking_horizon_days",
    "booking_max_party_size",
    "booking_cancellation_cutoff_minutes",
)
LABELS = {
    "phone": "Phone",
    "email": "E-mail",
    "currency": "Currency (ISO 4217)",
    "minimum_order": "Minimum order",
    "delivery_fee": "Delivery fee",
    "tax_rate": "Tax rate (%)",
    "order_cutoff_minutes": "Last orders before closing (minutes)",
    "order_accept_timeout_minutes": "Auto-reject unaccepted orders after (minutes)",
    "order_scheduled_due_minutes": "Scheduled orders are due before their time (minutes)",
    "booking_slot_minutes": "Slot length (minutes)",
    "booking_duration_minutes": "Booking duration (minutes)",
    "booking_lead_minutes": "Lead time (minutes)",
    "booking_horizon_days": "Horizon (days)",
    "booking_max_party_size": "Largest party",
    "booking_cancellation_cutoff_minutes": "Cancellation cut-off (minutes)",
}


class RestaurantSettingsForm(forms.ModelForm):
    """Validated against the model's fields (ranges, e-mail) on an unsaved copy: the service
    writes, so nothing is saved by the form."""

    class Meta:
        model = RestaurantSettings
        fields = GENERAL_FIELDS + ORDER_FIELDS + BOOKING_FIELDS
        labels = LABELS
        error_messages = {
            "tax_rate": {
                "max_whole_digits": "The tax rate is a percentage under 100, e.g. 8.25.",
                "max_decimal_places": "The tax rate has at most 3 decimal places.",
            },
            "order_accept_timeout_minutes": {
                "min_value": "Enter 0 (never reject) or a number of minutes up to 1440 (a day).",
                "max_value": "Enter 0 (never reject) or a number of minutes up to 1440 (a day).",
                "invalid": "Enter a whole number of minutes, e.g. 15 (0: never reject).",
                "required": "Enter how many minutes an order may wait to be accepted (0: never reject).",
            },
            "order_scheduled_due_minutes": {
                "min_value": "Enter a number of minutes from 0 to 1440 (a day).",
                "max_value": "Enter a number of minutes from 0 to 1440 (a day).",
                "invalid": "Enter a whole number of minutes, e.g. 60.",
                "required": "Enter how long before its time a scheduled order is due.",
            },
        }

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            ("The restaurant", [self[name] for name in GENERAL_FIELDS]),
            ("Order rules", [self[name] for name in ORDER_FIELDS]),
            ("Booking rules", [self[name] for name in BOOKING_FIELDS]),
        ]


def weekday_field() -> forms.TypedChoiceField:
    """A day of the week (Monday 0), for the week's rows: opening hours, a dish's time windows."""
    return forms.TypedChoiceField(
        choices=[("", "Choose a day"), *Weekday.choices],
        coerce=int,
        label="Day",
        error_messages={"required": "Choose the day."},
    )


def local_time_field(label: str, *, required: str, example: str, help_text: str = "") -> forms.TimeField:
    """A wall time (the restaurant's), typed as 11:30 (a time picker where the browser has one)."""
    return forms.TimeField(
        label=label,
        help_text=help_text,
        error_messages={"required": required, "invalid": f"Enter a time such as {example}."},
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class OpeningRangeForm(forms.Form):
    weekday = weekday_field()
    opens = local_time_field("Opens", required="Enter the opening time.", example="11:30")
    closes = local_time_field(
        "Closes", required="Enter the closing time.", example="22:00", help_text="00:00 means midnight."
    )


class BaseOpeningRangeFormSet(forms.BaseFormSet):
    def ranges(self) -> list[tuple[int, object, object]]:
        """The kept rows' (weekday, opens, closes), in the formset's order; blank rows are skipped."""
        return [
            (form.cleaned_data["weekday"], form.cleaned_data["opens"], form.cleaned_data["closes"])
            for form in self.kept_forms()
        ]

    def kept_forms(self) -> list[forms.Form]:
        """The rows to keep: filled in, not ticked for deletion (blank extra rows are ignored)."""
        return [
            form
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]


OpeningRangeFormSet = forms.formset_factory(
    OpeningRangeForm, formset=BaseOpeningRangeFormSet, extra=3, can_delete=True, max_num=7 * 8, validate_max=True
)


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ("date", "reason")
        labels = {"reason": "Reason (shown to customers)"}
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        error_messages = {"date": {"unique": "That date is already a closure."}}
