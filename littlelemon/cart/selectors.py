"""Reading carts. Every read is scoped to one user: another user's line simply does not exist."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from littlelemon.accounts.models import User
from littlelemon.core.money import ZERO

from .models import CartLine


@dataclass(frozen=True)
class Cart:
    lines: list[CartLine]

    @property
    def total(self) -> Decimal:
        """The sum of the lines at current menu prices (the order adds fees, tax and tip)."""
        return sum((line.price for line in self.lines), ZERO)


def cart_line_list(*, user: User) -> QuerySet[CartLine]:
    """The user's cart lines with their dishes joined (one query whatever the cart's size).

    Only the columns a cart shows are read (the dish's title, price and availability): the
    cart is read on every page, and a dish's description and allergens cost to convert."""
    return CartLine.objects.filter(user=user).select_related("menuitem").only(*CART_COLUMNS).order_by("id")


CART_COLUMNS = (
    "id",
    "user_id",
    "menuitem",
    "quantity",
    "price_when_added",
    "menuitem__title",
    "menuitem__price",
    "menuitem__available",
)


def cart_get(*, user: User) -> Cart:
    return Cart(lines=list(cart_line_list(user=user)))
