"""Forms of the customer pages. They parse and check input with the domain's own rules
(accounts.selectors, Django's password validators, the cart's limits); the services decide."""

from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from littlelemon.accounts.exceptions import EmailTaken, UsernameTaken
from littlelemon.accounts.models import User
from littlelemon.accounts.selectors import email_taken, username_taken
from littlelemon.bookings.models import Booking
from littlelemon.bookings.rules import BookingRules
from littlelemon.cart.enums import MAX_QUANTITY
from littlelemon.core.models import MAX_ID
from littlelemon.menu.enums import Allergen, DietaryTag
from littlelemon.orders.enums import Fulfilment, PaymentMethod
from littlelemon.orders.placement import MAX_TIP, online_payments_enabled
from littlelemon.orders.selectors import OrderTimes
from littlelemon.pages.forms import day_label, time_label


class SignUpForm(forms.Form):
    # The model field's own rules (letters, digits and @.+-_, at most 150): a form field does not
    # carry a model field's validators by itself.
    username = User._meta.get_field("username").formfield(
        validators=[User.username_validator],
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
        help_text="Letters, digits and @ . + - _ only; 150 characters or fewer.",
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send password reset links and order updates here.",
    )
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )

    def clean_username(self) -> str:
        # Shown with the other fields' errors at once; `user_sign_up` checks it again (and the
        # database settles a race), with the same message for every look-alike name.
        username = self.cleaned_data["username"]
        if username_taken(username=username):
            raise forms.ValidationError(UsernameTaken.default_message)
        return username

    def clean_email(self) -> str:
        email = BaseUserManager.normalize_email(self.cleaned_data["email"])  # as the sign-up service does
        if email_taken(email=email):
            raise forms.ValidationError(EmailTaken.default_message)
        return email

    def clean(self) -> dict:
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            user = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password, user=user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class LoginForm(AuthenticationForm):
    """Django's form (it calls `authenticate()`, so lockout backends apply), with autocomplete hints."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocapitalize="none", spellcheck="false")


class FoodCodesField(forms.MultipleChoiceField):
    """A checkbox for each of the menu's codes. Which codes may be saved is
    `user_food_preferences_set`'s to say, as for the API: its refusal is shown on the field."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value) -> bool:
        return True


class FoodPreferencesForm(forms.Form):
    """The account page's food preferences; the names are the service's (and the API's)."""

    dietary_requirements = FoodCodesField(
        label="Recommend only dishes that are",
        choices=DietaryTag.choices,
        required=False,
        help_text="Tick none to be offered any dish.",
    )
    allergens_avoided = FoodCodesField(
        label="Allergens to avoid",
        choices=Allergen.choices,
        required=False,
        help_text="No recommended dish contains one you tick. Always check a dish's allergens before you order.",
    )

    @classmethod
    def for_user(cls, user: User, data=None) -> "FoodPreferencesForm":
        """The form for `user`, showing what they saved (none: nothing ticked)."""
        dietary, allergens = user.food_preferences
        return cls(data, initial={"dietary_requirements": sorted(dietary), "allergens_avoided": sorted(allergens)})


# --- cart ----------------------------------------------------------------------------------


class CartAddForm(forms.Form):
    menuitem = forms.IntegerField(min_value=1, max_value=MAX_ID)
    quantity = forms.IntegerField(
        min_value=1,
        max_value=MAX_QUANTITY,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "quantity-input"}),
    )

    def clean_quantity(self) -> int:
        return self.cleaned_data["quantity"] or 1


class CartLineForm(forms.Form):
    """A line's new quantity: typed, or the shown one stepped by the "−" / "+" buttons."""

    quantity = forms.IntegerField()
    step = forms.TypedChoiceField(choices=[("-1", "-1"), ("1", "1")], coerce=int, required=False, empty_value=0)

    def new_quantity(self) -> int:
        return self.cleaned_data["quantity"] + self.cleaned_data["step"]


# --- checkout -------------------------------------------------------------------------------

ASAP, LATER = "asap", "later"


class ScheduledTimeField(forms.CharField):
    """An aware date-time in ISO 8601, chosen from the times on offer. A time no longer on offer
    (the page was open a while) still parses: `order_place` says what is wrong with it."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError("Choose one of the times on offer.") from None
        if timezone.is_naive(moment):
            raise forms.ValidationError("Choose one of the times on offer.")
        return moment


class CheckoutForm(forms.Form):
    """What a customer chooses at checkout; the names are `order_place`'s, so that its errors
    land next to the right field. Totals are never taken from the form."""

    fulfilment = forms.ChoiceField(
        label="How would you like it?",
        choices=Fulfilment.choices,
        widget=forms.RadioSelect,
        initial=Fulfilment.DELIVERY,
    )
    delivery_address = forms.CharField(
        label="Delivery address",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text="Street, number, flat or floor, and anything the driver needs to find you.",
    )
    when = forms.ChoiceField(
        label="When?",
        choices=[(ASAP, "As soon as possible"), (LATER, "Schedule for later")],
        widget=forms.RadioSelect,
        initial=ASAP,
    )
    scheduled_for = ScheduledTimeField(label="Time", required=False, widget=forms.Select)
    tip = forms.DecimalField(
        label="Tip",
        required=False,
        min_value=Decimal("0"),
        max_value=MAX_TIP,
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        help_text="Optional; it all goes to the team.",
    )
    payment_method = forms.ChoiceField(
        label="Payment",
        choices=[
            (PaymentMethod.CASH, "Cash on delivery or at the counter"),
            (PaymentMethod.CARD, "Card on delivery or at the counter"),
        ],
        widget=forms.RadioSelect,
        initial=PaymentMethod.CASH,
    )
    notes = forms.CharField(
        label="Notes for the kitchen or the driver",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    offers_online_payment = True  # a guest pays in person (the card step is a customer's)

    def __init__(self, *args, times: OrderTimes, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        if self.offers_online_payment and online_payments_enabled():  # Stripe is configured (littlelemon/payments)
            self.fields["payment_method"].choices = [
                *self.fields["payment_method"].choices,
                (PaymentMethod.ONLINE, "Card online, now"),
            ]
        groups: dict[date, list[tuple[str, str]]] = {}
        for moment in times.scheduled:
            local = timezone.localtime(moment)
            groups.setdefault(local.date(), []).append((local.isoformat(), time_label(local)))
        self.fields["scheduled_for"].widget.choices = [("", "Choose a time")] + [
            (day_label(day, today), choices) for day, choices in groups.items()
        ]

    def clean_tip(self) -> Decimal:
        return self.cleaned_data["tip"] or Decimal("0")

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("when") == LATER and "scheduled_for" in cleaned and cleaned["scheduled_for"] is None:
            self.add_error("scheduled_for", "Choose a time, or order for as soon as possible.")
        return cleaned

    def order_data(self) -> dict:
        """`order_place`'s keyword arguments."""
        data = self.cleaned_data
        return {
            "fulfilment": data["fulfilment"],
            "delivery_address": data["delivery_address"],
            "scheduled_for": data["scheduled_for"] if data["when"] == LATER else None,
            "tip": data["tip"],
            "notes": data["notes"],
            "payment_method": data["payment_method"],
            "idempotency_key": data["idempotency_key"],
        }


class GuestCheckoutForm(CheckoutForm):
    """Checkout without an account: the choices, and who the order is for (checked again by
    `guests.guest_details_checked`, whose messages these are)."""

    offers_online_payment = False

    guest_name = forms.CharField(
        label="Your name",
        max_length=150,
        error_messages={"required": "Enter your name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    guest_email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={
            "required": "Enter your e-mail address: we send the order's tracking link there.",
            "invalid": "Enter a valid e-mail address.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send your order's confirmation and tracking link here.",
    )
    guest_phone = forms.CharField(
        label="Phone number",
        max_length=32,
        error_messages={"required": "Enter a phone number we can call about your order."},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text="Only to call you about this order.",
    )

    def guest_data(self) -> dict:
        """`guest_details_checked`'s keyword arguments."""
        data = self.cleaned_data
        return {"name": data["guest_name"], "email": data["guest_email"], "phone": data["guest_phone"]}


class ClaimRequestForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address the orders were placed with",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class QuoteForm(forms.Form):
    """The checkout's choices that change its totals (for the summary htmx refreshes)."""

    fulfilment = forms.ChoiceField(choices=Fulfilment.choices)
    tip = forms.DecimalField(required=False, min_value=Decimal("0"), max_value=MAX_TIP, max_digits=6, decimal_places=2)

    def quote_data(self) -> dict:
        """Valid choices, or the checkout's defaults for what is not (a summary never fails)."""
        self.is_valid()
        data = self.cleaned_data
        return {"fulfilment": data.get("fulfilment") or Fulfilment.DELIVERY, "tip": data.get("tip") or Decimal("0")}


# --- bookings -------------------------------------------------------------------------------


def party_choices(maximum: int) -> list[tuple[int, str]]:
    return [(size, f"{size} {'person' if size == 1 else 'people'}") for size in range(1, maximum + 1)]


class BookingSearchForm(forms.Form):
    """A date and a party size: the free times are shown for them. Out-of-range values are
    refused here, in the words of the booking rules (`BookingRules`)."""

    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    party_size = forms.TypedChoiceField(label="Party size", coerce=int)

    def __init__(self, *args, rules: BookingRules, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules
        self.fields["date"].widget.attrs.update(min=f"{rules.today:%Y-%m-%d}", max=f"{rules.last_day:%Y-%m-%d}")
        self.fields["party_size"].choices = party_choices(rules.settings.booking_max_party_size)

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if day < self.rules.today:
            raise forms.ValidationError("That day has passed: choose today or a later date.")
        if day > self.rules.last_day:
            raise forms.ValidationError(
                f"We take bookings up to {self.rules.settings.booking_horizon_days} days ahead: "
                f"choose a date up to {day_label(self.rules.last_day, self.rules.today)}."
            )
        return day


class BookingForm(forms.Form):
    """Booking or changing a table: `booking_create` / `booking_update`'s fields, so that their
    errors land next to the right one."""

    start = ScheduledTimeField(label="Time", error_messages={"required": "Choose one of the free times."})
    party_size = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=Booking._meta.get_field("notes").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="A high chair, an occasion, a quiet table: we do our best.",
    )
