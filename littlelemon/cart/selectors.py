"""Reading carts. Every read is scoped to one owner (a user or a guest cart): another's line
simply does not exist."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from littlelemon.accounts.models import User
from littlelemon.core.money import ZERO
from littlelemon.core.stamps import MENU
from littlelemon.menu.options import lines_priced

from .models import CartLine, CartOwner, GuestCart, owner_filter

GUEST_CART_TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Cart:
    lines: list[CartLine]

    @property
    def total(self) -> Decimal:
        """The sum of the lines at current menu prices (the order adds fees, tax and tip)."""
        return sum((line.price for line in self.lines), ZERO)

    @property
    def quantity(self) -> int:
        """How many dishes in all (2 × hummus and 1 × falafel: 3)."""
        return sum(line.quantity for line in self.lines)


def cart_line_list(*, owner: CartOwner) -> QuerySet[CartLine]:
    """The owner's cart lines with their dishes joined (one query whatever the cart's size).

    Only the columns a cart shows are read (the dish's title, slug, price and availability): the
    cart is read on every page, and a dish's description and allergens cost to convert.
    Not priced yet: `cart_get` prices the lines with their options."""
    return CartLine.objects.filter(**owner_filter(owner)).select_related("menuitem").only(*CART_COLUMNS).order_by("id")


CART_COLUMNS = (
    "id",
    "user_id",
    "guest_cart_id",
    "menuitem",
    "quantity",
    "price_when_added",
    "menuitem__title",
    "menuitem__slug",
    "menuitem__price",
    "menuitem__available",
    "menuitem__category_id",
    "menuitem__daily_portions",
    "menuitem__portions_left",
    "menuitem__portions_date",
    "menuitem__archived",
    "menuitem__is_combo",
    "selection",
    "options_key",
)


def cart_get(*, owner: CartOwner) -> Cart:
    """The owner's cart, each line priced with its options at today's prices (`lines_priced`:
    one query for the lines, and up to four more, whatever their number, when some have options;
    a line whose options no longer hold keeps its message in `options_problem`)."""
    lines = list(cart_line_list(owner=owner))
    lines_priced(lines)
    return Cart(lines=lines)


def guest_cart_by_token(*, token: str) -> GuestCart | None:
    """The guest cart holding `token`, or None (a wrong, guessed or malformed token). One query,
    none for a token of the wrong shape."""
    return GuestCart.objects.filter(token=token).first() if _token_shaped(token) else None


def _token_shaped(token: str) -> bool:
    """Whether `token` could be a guest cart's (not empty, not absurdly long): others cost no query."""
    return bool(token) and len(token) <= GUEST_CART_TOKEN_LENGTH * 2


def cart_stamps(user: User) -> tuple[str, ...]:
    """The version stamps (core.DataVersion) of what `cart_get(user)` shows: the user's lines
    and the dishes' current prices and availability."""
    return (f"cart:{user.pk}", MENU)


def cart_quantity(*, owner: CartOwner) -> int:
    """How many dishes the owner's cart holds in all (one query), for a cart badge."""
    return CartLine.objects.filter(**owner_filter(owner)).aggregate(quantity=Sum("quantity"))["quantity"] or 0


def guest_cart_quantity(*, token: str) -> int:
    """How many dishes the guest cart holding `token` has in all (0 for no such cart): one query,
    none for a token of the wrong shape. A web visitor's badge, read without the cart's row."""
    if not _token_shaped(token):
        return 0
    lines = CartLine.objects.filter(guest_cart__token=token)
    return lines.aggregate(quantity=Sum("quantity"))["quantity"] or 0


def cart_menuitem_ids(*, owner: CartOwner) -> set[int]:
    """The dishes in the owner's cart (recommendations leave them out): one query."""
    return set(CartLine.objects.filter(**owner_filter(owner)).values_list("menuitem_id", flat=True))
