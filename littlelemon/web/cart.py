"""The cart a page works with: a signed-in customer's (in the database) or a visitor's (in the
session). Both go through the cart services, so the pages apply the cart API's rules (1..99 of
an available dish, at most 100 dishes) with its messages; signing in or up folds the visitor's
cart into the account's (`merge_guest_cart`). A guest checkout copies the session's cart into the
visit's `GuestCart` (its token kept in the session: `guest_cart_for_checkout`) and places the
order from it.

Each line gets a `key` for the pages' forms: the line's id in an account's cart, the dish's id
in a visitor's (whose lines are not saved).
"""

from functools import cached_property

from django.contrib import messages
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from littlelemon.accounts.models import User
from littlelemon.cart import selectors as cart_selectors
from littlelemon.cart import services as cart_services
from littlelemon.cart.enums import SkipReason
from littlelemon.cart.models import CartLine, GuestCart
from littlelemon.menu import selectors as menu_selectors
from littlelemon.menu.models import MenuItem

GUEST_CART_KEY = "guest_cart"  # the token of the guest cart a checkout without an account places from
SESSION_KEY = "cart"  # [[menuitem id, quantity], ...]: JSON keeps a list of pairs (and their order) as is


class AccountCart:
    def __init__(self, user: User):
        self.user = user

    @cached_property
    def lines(self) -> list[CartLine]:
        lines = cart_selectors.cart_get(owner=self.user).lines
        for line in lines:
            line.key = line.pk
        return lines

    @cached_property
    def quantity(self) -> int:
        """How many dishes in all, for the badge: one query, or none once the lines are read."""
        if "lines" in self.__dict__:
            return sum(line.quantity for line in self.lines)
        return cart_selectors.cart_quantity(owner=self.user)

    @property
    def dish_ids(self) -> set[int]:
        """The dishes in the cart (recommendations leave them out): one query, or none once the
        lines are read."""
        if "lines" in self.__dict__:
            return {line.menuitem_id for line in self.lines}
        return cart_selectors.cart_menuitem_ids(user=self.user)

    def add(self, *, menuitem_id: int, quantity: int) -> tuple[MenuItem, int]:
        """Returns the dish and how many of it the cart now holds."""
        line, _created = cart_services.cart_item_add(owner=self.user, menuitem_id=menuitem_id, quantity=quantity)
        self._changed()
        return line.menuitem, line.quantity

    def update(self, *, key: int, quantity: int) -> None:
        cart_services.cart_item_update(owner=self.user, line_id=key, quantity=quantity)
        self._changed()

    def remove(self, *, key: int) -> None:
        cart_services.cart_item_remove(owner=self.user, line_id=key)
        self._changed()

    def _changed(self) -> None:
        self.__dict__.pop("lines", None)
        self.__dict__.pop("quantity", None)


class SessionCart:
    """A visitor's cart: dish ids and quantities in the session, nothing else (prices, titles and
    availability are read from the menu each time)."""

    def __init__(self, session: SessionBase | dict):
        self.session = session

    @property
    def pairs(self) -> dict[int, int]:
        """The session's cart as {menuitem id: quantity}; anything malformed is dropped (the
        session is the server's, but outlives code changes)."""
        pairs: dict[int, int] = {}
        for entry in self.session.get(SESSION_KEY) or []:
            if (
                isinstance(entry, list | tuple)
                and len(entry) == 2
                and all(type(number) is int and number > 0 for number in entry)
            ):
                pairs[entry[0]] = entry[1]
        return pairs

    def _save(self, pairs: dict[int, int]) -> None:
        if pairs:
            self.session[SESSION_KEY] = [[menuitem_id, quantity] for menuitem_id, quantity in pairs.items()]
        else:
            self.session.pop(SESSION_KEY, None)
        self.__dict__.pop("lines", None)

    @cached_property
    def lines(self) -> list[CartLine]:
        pairs = self.pairs
        lines = cart_selectors.guest_cart_get(lines=pairs).lines
        if len(lines) < len(pairs):  # dishes taken off the menu since: forget them
            self._save({line.menuitem_id: line.quantity for line in lines})
        for line in lines:
            line.key = line.menuitem_id
        return lines

    @property
    def quantity(self) -> int:
        if "lines" in self.__dict__:
            return sum(line.quantity for line in self.lines)
        return sum(self.pairs.values())

    @property
    def dish_ids(self) -> set[int]:
        return set(self.pairs)

    def add(self, *, menuitem_id: int, quantity: int) -> tuple[MenuItem, int]:
        pairs, item = cart_services.guest_cart_add(lines=self.pairs, menuitem_id=menuitem_id, quantity=quantity)
        self._save(pairs)
        return item, pairs[item.pk]

    def update(self, *, key: int, quantity: int) -> None:
        self._save(cart_services.guest_cart_update(lines=self.pairs, menuitem_id=key, quantity=quantity))

    def remove(self, *, key: int) -> None:
        self._save(cart_services.guest_cart_remove(lines=self.pairs, menuitem_id=key))

    def clear(self) -> None:
        self._save({})


def cart_for(request: HttpRequest) -> AccountCart | SessionCart:
    """The request's cart (one object per request, shared by the view and the header's badge)."""
    cart = getattr(request, "_web_cart", None)
    if cart is None:
        # An error page for a request refused before the session and auth middleware ran (a
        # host not allowed: 400) still renders the header: an empty cart then.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            cart = AccountCart(user)
        else:
            session = getattr(request, "session", None)
            cart = SessionCart(session if session is not None else {})
        request._web_cart = cart  # type: ignore[attr-defined]
    return cart


def merge_guest_cart(request: HttpRequest, *, user: User, pairs: dict[int, int]) -> None:
    """Fold a visitor's cart (`SessionCart.pairs`, read before logging in) into the account's
    cart, empty the session's, and say which dishes could not come along."""
    request.__dict__.pop("_web_cart", None)
    SessionCart(request.session).clear()
    if not pairs:
        return
    skipped = cart_services.cart_merge(user=user, lines=list(pairs.items()))
    if not skipped:
        return
    skipped_ids = [line.menuitem_id for line in skipped]
    titles = dict(menu_selectors.menu_item_list().filter(pk__in=skipped_ids).values_list("pk", "title"))
    left = [
        f"{titles[line.menuitem_id]} ({SkipReason(line.reason).label.lower()})"
        if line.menuitem_id in titles
        else "a dish no longer on the menu"
        for line in skipped
    ]
    messages.warning(request, f"Your cart is kept, except for {', '.join(left)}.")


def guest_cart_for_checkout(request: HttpRequest) -> GuestCart:
    """The visitor's guest cart (its token kept in the session), made on their first guest
    checkout: repeated "Place order"s of one visit share it, so its idempotency key holds."""
    guest_cart = cart_selectors.guest_cart_by_token(token=request.session.get(GUEST_CART_KEY) or "")
    if guest_cart is None:
        guest_cart = cart_services.guest_cart_create()
        request.session[GUEST_CART_KEY] = guest_cart.token
    return guest_cart
