"""The staff pages' forms: they parse what a person typed; the services decide."""

from django import forms

from littlelemon.core.exceptions import ApplicationError
from littlelemon.orders.delivery import RECIPIENT_NAME_MAX_LENGTH
from littlelemon.pages.forms import add_application_error


class DeliveredForm(forms.Form):
    """Proof of delivery: who took the order at the door, and optionally a photo. The name's and
    the photo's real checks are `orders.delivery.order_deliver`'s."""

    recipient_name = forms.CharField(
        label="Who took the order?",
        max_length=RECIPIENT_NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
        error_messages={"required": "Enter the name of the person who took the order."},
    )
    photo = forms.FileField(
        label="Photo (optional)",
        required=False,
        help_text="The order at the door, if nobody was there to take it.",
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def add_service_error(self, error: ApplicationError) -> None:
        add_application_error(self, error)


class RefundForm(forms.Form):
    """A manager's refund of part of an order (littlelemon/payments): a line, or an amount."""

    order_item = forms.TypedChoiceField(label="Line", coerce=int, required=False, empty_value=None)
    amount = forms.DecimalField(label="Or an amount", required=False, min_value=0, max_digits=12, decimal_places=2)
    reason = forms.CharField(label="Reason", max_length=500)

    def __init__(self, *args, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = list(order.items.all()) if order is not None else []
        self.fields["order_item"].choices = [("", "An amount instead")] + [
            (item.pk, f"{item.quantity} × {item.title} ({item.price})") for item in items
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("order_item") is None and cleaned.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", "Give an amount, or choose a line.")
        return cleaned
