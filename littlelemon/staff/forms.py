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
