"""The cart a page works with: a signed-in customer's, or a visitor's guest cart: the very
`GuestCart` the API's `X-Cart-Token` names, its token kept in the session. Both go through the
cart services, so the pages apply the cart API's rules (1..99 of an available dish, at most 100
lines, a dish's options and a combo's slots) with its messages.

A visitor's guest cart is made on their first add (`guest_cart_item_add`), not when they only
browse: reading a cart that does not exist costs no query and writes nothing. Making one counts
against the address's guest limit (THROTTLE_GUEST_RATE, as the API's `POST /cart/guest/` does):
the views ask `makes_guest_cart` first, and past the limit answer 429 and add nothing. A guest checkout
places the order from it (repeated "Place order"s of one visit share it, so the form's
idempotency key holds); signing in or up folds it into the account's cart (`merge_guest_cart`)
and the session forgets it. An old guest cart is deleted by `cart.housekeeping`, and a session
naming one that is gone reads as an empty cart.
"""

from functools import cached_property

from django.contrib import messages
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from littlelemon.accounts.models import User
from littlelemon.cart import selectors as cart_selectors
from littlelemon.cart import services as cart_services
from littlelemon.cart.enums import SkipReason
from littlelemon.cart.exceptions import CartLineNotFound
from littlelemon.cart.models import CartLine, CartOwner, GuestCart
from littlelemon.menu.models import MenuItem

GUEST_CART_KEY = "guest_cart"  # the session's key for the token of the visitor's guest cart


class WebCart:
    """The cart of one request: `user`'s when signed in, else the session's guest cart (if any)."""

    def __init__(self, *, user: User | None, session: SessionBase | dict):
        self.user = user
        self.session = session

    @cached_property
    def owner(self) -> CartOwner | None:
        """The user, or the visitor's guest cart (one query; none without a token in the session).
        None for a visitor without a cart yet; a token naming no cart (deleted as old) is forgotten."""
        if self.user is not None:
            return self.user
        token = self.session.get(GUEST_CART_KEY)
        if not token:
            return None
        guest_cart = cart_selectors.guest_cart_by_token(token=token)
        if guest_cart is None:
            self.session.pop(GUEST_CART_KEY, None)
        return guest_cart

    @property
    def guest_cart(self) -> GuestCart | None:
        return self.owner if isinstance(self.owner, GuestCart) else None

    @property
    def makes_guest_cart(self) -> bool:
        """Whether an add would make a guest cart: a visitor who has none (yet, or any more)."""
        return self.user is None and self.owner is None

    @cached_property
    def lines(self) -> list[CartLine]:
        """The lines, priced with their options (`cart_selectors.cart_get`)."""
        return [] if self.owner is None else cart_selectors.cart_get(owner=self.owner).lines

    @cached_property
    def quantity(self) -> int:
        """How many dishes in all, for the badge: one query (a visitor's by the token, without
        reading the guest cart's row), none for a visitor without a cart or once the lines are read."""
        if "lines" in self.__dict__:
            return sum(line.quantity for line in self.lines)
        if self.user is not None:
            return cart_selectors.cart_quantity(owner=self.user)
        token = self.session.get(GUEST_CART_KEY)
        return cart_selectors.guest_cart_quantity(token=token) if token else 0

    @property
    def dish_ids(self) -> set[int]:
        """The dishes in the cart (recommendations leave them out): one query, or none once the
        lines are read."""
        if self.owner is None or "lines" in self.__dict__:
            return {line.menuitem_id for line in self.lines}
        return cart_selectors.cart_menuitem_ids(owner=self.owner)

    def add(
        self, *, menuitem_id: int, quantity: int, choices: list | None = None, slots: list | None = None
    ) -> tuple[MenuItem, int]:
        """Returns the dish and how many of it (with these options) the cart now holds."""
        if self.user is not None:
            line, _created = cart_services.cart_item_add(
                owner=self.user, menuitem_id=menuitem_id, quantity=quantity, choices=choices, slots=slots
            )
        else:
            guest_cart, line = cart_services.guest_cart_item_add(
                guest_cart=self.guest_cart, menuitem_id=menuitem_id, quantity=quantity, choices=choices, slots=slots
            )
            if guest_cart is not self.owner:
                self.session[GUEST_CART_KEY] = guest_cart.token
                self.__dict__["owner"] = guest_cart
        self._changed()
        return line.menuitem, line.quantity

    def update(self, *, line_id: int, quantity: int) -> None:
        if self.owner is None:
            raise CartLineNotFound()
        cart_services.cart_item_update(owner=self.owner, line_id=line_id, quantity=quantity)
        self._changed()

    def remove(self, *, line_id: int) -> None:
        if self.owner is None:
            raise CartLineNotFound()
        cart_services.cart_item_remove(owner=self.owner, line_id=line_id)
        self._changed()

    def _changed(self) -> None:
        self.__dict__.pop("lines", None)
        self.__dict__.pop("quantity", None)


def cart_for(request: HttpRequest) -> WebCart:
    """The request's cart (one object per request, shared by the view and the header's badge)."""
    cart = getattr(request, "_web_cart", None)
    if cart is None:
        # An error page for a request refused before the session and auth middleware ran (a
        # host not allowed: 400) still renders the header: an empty cart then.
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        cart = WebCart(
            user=user if user is not None and user.is_authenticated else None,
            session=session if session is not None else {},
        )
        request._web_cart = cart  # type: ignore[attr-defined]
    return cart


def merge_guest_cart(request: HttpRequest, *, user: User, guest_cart: GuestCart | None) -> None:
    """Fold a visitor's guest cart (`cart_for(request).guest_cart`, read before logging in) into
    the account's cart, forget it in the session, and say which lines could not come along."""
    request.__dict__.pop("_web_cart", None)
    request.session.pop(GUEST_CART_KEY, None)
    if guest_cart is None:
        return
    skipped = cart_services.cart_merge(user=user, guest_cart=guest_cart)
    if skipped:
        left = ", ".join(f"{line.title} ({SkipReason(line.reason).label.lower()})" for line in skipped)
        messages.warning(request, f"Your cart is kept, except for {left}.")
