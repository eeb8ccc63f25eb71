"""Orders placed without an account: the guest's details, the tracking link, and claiming.

- A guest order has no customer but a name, an e-mail address and a phone number
  (`guest_details_checked`), and is placed from a `cart.GuestCart`.
- Its tracking link carries `order_tracking_token(order)`: the order's id signed with the
  site's SECRET_KEY under its own salt, so it cannot be guessed or made for another order; a
  forged or altered token reads as no order at all (`order_id_from_tracking_token` → None).
- A signed-in user claims the guest orders placed with an e-mail address by opening a link sent
  to that address (`claim_token` → `guest_orders_claim`): the link names the address and the
  user who asked, and expires after CLAIM_MAX_AGE. Claiming sets `customer` and changes nothing
  else (the guest details stay, as the order's record of who placed it).
"""

import re
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from littlelemon.accounts.models import User
from littlelemon.core.exceptions import ApplicationError, InvalidInput

from .models import Order

TRACKING_SALT = "littlelemon.orders.tracking"
CLAIM_SALT = "littlelemon.orders.claim"
CLAIM_MAX_AGE = 24 * 60 * 60  # seconds a claim link stays valid
NAME_MAX_LENGTH = 150
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()./-]{6,32}$")


class ClaimLinkInvalid(ApplicationError):
    code = "claim_link_invalid"
    default_message = "This link is not valid: ask for a new one."


class ClaimLinkExpired(ApplicationError):
    code = "claim_link_expired"
    default_message = "This link has expired: ask for a new one."


class ClaimLinkNotYours(ApplicationError):
    code = "claim_link_not_yours"
    http_status = 403
    default_message = "This link was sent for another account: log in as the account that asked for it."


@dataclass(frozen=True)
class GuestDetails:
    name: str
    email: str
    phone: str


def guest_details_checked(*, name: str, email: str, phone: str) -> GuestDetails:
    """The guest's details, trimmed. Raises InvalidInput naming the field (`guest_name`,
    `guest_email`, `guest_phone`): all three are required (the restaurant calls when in doubt)."""
    name, email, phone = name.strip(), email.strip(), phone.strip()
    if not name:
        raise InvalidInput("Enter your name.", field="guest_name")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(f"A name has at most {NAME_MAX_LENGTH} characters.", field="guest_name")
    if not email:
        raise InvalidInput("Enter your e-mail address: we send the order's tracking link there.", field="guest_email")
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput("Enter a valid e-mail address.", field="guest_email") from None
    if not phone:
        raise InvalidInput("Enter a phone number we can call about your order.", field="guest_phone")
    if not PHONE_PATTERN.match(phone) or sum(character.isdigit() for character in phone) < 6:
        raise InvalidInput("Enter a phone number: digits, spaces and + ( ) - only.", field="guest_phone")
    local, _, domain = email.rpartition("@")
    return GuestDetails(name=name, email=f"{local}@{domain.lower()}", phone=phone)


# --- tracking -------------------------------------------------------------------------------


def order_tracking_token(order: Order | int) -> str:
    """The token of the order's public tracking page: `<id>:<HMAC of it under TRACKING_SALT>`,
    the same every time (the confirmation page and the e-mails show one link)."""
    return signing.Signer(salt=TRACKING_SALT).sign(str(order if isinstance(order, int) else order.pk))


def order_id_from_tracking_token(token: str) -> int | None:
    """The order a tracking token was made for; None for anything forged, altered or malformed."""
    try:
        order_id = signing.Signer(salt=TRACKING_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(order_id) if order_id.isascii() and order_id.isdigit() and len(order_id) <= 18 else None


# --- claiming -------------------------------------------------------------------------------


def claim_token(*, user: User, email: str) -> str:
    """The token of a link that lets `user` claim the guest orders placed with `email`."""
    return signing.dumps({"user": user.pk, "email": email.strip().casefold()}, salt=CLAIM_SALT)


def guest_orders_with_email(*, email: str) -> int:
    """How many unclaimed guest orders were placed with `email` (one query)."""
    return Order.objects.filter(customer__isnull=True, guest_email__iexact=email.strip()).count()


def guest_orders_claim(*, user: User, token: str, max_age: int = CLAIM_MAX_AGE) -> tuple[str, list[int]]:
    """Give `user` the guest orders placed with the e-mail address the claim link was sent to.

    Returns (the address, the ids of the orders claimed: none is fine). Raises ClaimLinkExpired,
    ClaimLinkInvalid (forged or altered), ClaimLinkNotYours (asked for by another user: a link
    forwarded or stolen claims nothing). Locks the orders it claims; an order claimed meanwhile
    (by another account proving the same address) is left to whoever claimed it first.
    """
    try:
        claim = signing.loads(token, salt=CLAIM_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise ClaimLinkExpired() from None
    except signing.BadSignature:
        raise ClaimLinkInvalid() from None
    if not isinstance(claim, dict) or not isinstance(claim.get("email"), str):
        raise ClaimLinkInvalid()
    if claim.get("user") != user.pk:
        raise ClaimLinkNotYours()
    with transaction.atomic():
        orders = Order.objects.select_for_update().filter(customer__isnull=True, guest_email__iexact=claim["email"])
        ids = sorted(orders.values_list("pk", flat=True))
        Order.objects.filter(pk__in=ids, customer__isnull=True).update(customer=user)
    return claim["email"], ids
