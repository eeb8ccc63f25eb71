import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Union

from django.conf import settings
from django.db import models
from django.utils import timezone

from littlelemon.core.models import TimeStampedModel
from littlelemon.core.money import to_money
from littlelemon.menu.models import MenuItem

from .enums import MAX_QUANTITY

if TYPE_CHECKING:
    from littlelemon.accounts.models import User


def new_cart_token() -> str:
    return secrets.token_urlsafe(32)


class GuestCart(models.Model):
    """The cart of someone who has not signed in (the API's `X-Cart-Token`; the web checkout's,
    kept in the session). The token is its only key: 256 random bits, never guessable."""

    token = models.CharField(max_length=64, unique=True, default=new_cart_token, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Guest cart #{self.pk}"


class CartLine(TimeStampedModel):
    """A dish and a quantity in a signed-in user's cart or a guest's (one line per dish for now).

    The cart shows, and an order charges, the dish's *current* menu price;
    `price_when_added` remembers the price at the last change of the line so that a page can
    say "the price changed since you added it".

    When menu modifiers arrive, a line's identity becomes (dish, options): the uniqueness below
    and `services._line_lookup` are the two places that change.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="cart_lines"
    )
    guest_cart = models.ForeignKey(GuestCart, on_delete=models.CASCADE, null=True, blank=True, related_name="lines")
    menuitem = models.ForeignKey(MenuItem, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveSmallIntegerField()
    price_when_added = models.DecimalField(max_digits=7, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "menuitem"], name="cart_line_unique_dish"),
            models.UniqueConstraint(
                fields=["guest_cart", "menuitem"],
                condition=models.Q(guest_cart__isnull=False),
                name="cart_line_unique_guest_dish",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, guest_cart__isnull=True)
                | models.Q(user__isnull=True, guest_cart__isnull=False),
                name="cart_line_one_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=MAX_QUANTITY), name="cart_line_quantity_range"
            ),
            models.CheckConstraint(condition=models.Q(price_when_added__gt=0), name="cart_line_price_positive"),
        ]

    def __str__(self) -> str:
        owner = f"user {self.user_id}" if self.user_id else f"guest cart {self.guest_cart_id}"
        return f"{self.quantity} × {self.menuitem_id} for {owner}"

    @property
    def unit_price(self) -> Decimal:
        """The dish's current menu price (what the order will charge)."""
        return self.menuitem.price

    @property
    def price(self) -> Decimal:
        return to_money(self.unit_price * self.quantity)


CartOwner = Union["User", GuestCart]  # a signed-in user's cart, or a guest's


def owner_filter(owner: CartOwner) -> dict:
    """The lookup of an owner's lines: `CartLine.objects.filter(**owner_filter(owner))`."""
    return {"guest_cart": owner} if isinstance(owner, GuestCart) else {"user": owner}
