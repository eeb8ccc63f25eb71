"""Writes to carts. Every function is scoped to one cart and runs in one transaction.

A cart's *owner* is a signed-in user or a `GuestCart` (someone ordering without an account:
the API's `X-Cart-Token`, the web pages' visitor, its token kept in the session); the same rules,
options and messages apply to both. Writing to a guest cart notes it is in use (`last_seen`).

Adding to a line locks it (`SELECT ... FOR UPDATE`), then decides on the locked quantity, so two
requests adding the same dish at once both count and neither pushes the line past 99; the
unique constraint on (user, dish) turns a race to create the same line into an addition to it.

`cart_merge` folds a guest cart, options and all, into the account's cart when its visitor signs
in or up.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from littlelemon.accounts.models import User
from littlelemon.core.exceptions import PermissionDenied
from littlelemon.core.models import MAX_ID
from littlelemon.menu.exceptions import OptionsInvalid
from littlelemon.menu.models import MenuItem, MenuItemOptionGroup
from littlelemon.menu.options import (
    NO_SELECTION,
    PricedSelection,
    catalog_load,
    lines_priced,
    needs_catalog,
    selection_price,
    stored_selection_price,
)
from littlelemon.menu.selectors import windows_load
from littlelemon.menu.windows import from_label

from .enums import MAX_LINES, MAX_QUANTITY, SkipReason
from .exceptions import CartFull, CartLineNotFound, ItemUnavailable, QuantityLimit, UnknownMenuItem
from .models import CartLine, CartOwner, GuestCart, owner_filter


@dataclass(frozen=True)
class SkippedLine:
    """A line of a guest cart `cart_merge` left behind: its dish's title, quantity and why."""

    title: str
    quantity: int
    reason: SkipReason


def _line_lookup(*, owner: CartOwner, menuitem: MenuItem, options_key: str = "") -> QuerySet[CartLine]:
    """The one place that knows what makes a line unique: the dish today, (dish, options) later."""
    return CartLine.objects.filter(**owner_filter(owner), menuitem=menuitem, options_key=options_key)


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise QuantityLimit(f"Quantity must be between 1 and {MAX_QUANTITY}.", field="quantity")


def _over_the_limit(*, item: MenuItem, in_cart: int) -> QuantityLimit:
    return QuantityLimit(
        f"Your cart already holds {in_cart} × {item.title}; a line holds at most {MAX_QUANTITY}.",
        field="quantity",
        extra={"in_cart": in_cart},
    )


def _cart_full() -> CartFull:
    return CartFull(f"A cart holds at most {MAX_LINES} different dishes.", field="menuitem")


def _orderable_item(*, menuitem_id: int) -> MenuItem:
    """The dish (one query), with `has_options`: whether it offers any option group."""
    item = (
        MenuItem.objects.annotate(has_options=Exists(MenuItemOptionGroup.objects.filter(menuitem=OuterRef("pk"))))
        .filter(pk=menuitem_id)
        .first()
        if 0 < menuitem_id <= MAX_ID
        else None
    )
    if item is None:
        raise UnknownMenuItem(f"There is no dish with id {menuitem_id}.", field="menuitem")
    if item.archived:
        raise ItemUnavailable(f"{item.title} is no longer on the menu.", field="menuitem")
    if item.sold_out:
        raise ItemUnavailable(f"{item.title} is sold out{' for today' if item.available else ''}.", field="menuitem")
    return item


def _in_use(owner: CartOwner) -> CartOwner:
    """The owner, a guest cart noted as in use (`guest_cart_touch`)."""
    if isinstance(owner, GuestCart):
        guest_cart_touch(guest_cart=owner)
    return owner


def _selection_priced(*, item: MenuItem, choices: object, slots: object) -> PricedSelection | None:
    """The checked, priced selection for `item` (None for a plain dish chosen plainly: no query).
    Raises what `menu.options.selection_price` raises."""
    if not (getattr(item, "has_options", True) or item.is_combo or choices or slots):
        return None
    return selection_price(catalog=catalog_load([item]), dish=item, choices=choices, slots=slots)


def _options_set(line: CartLine, priced: PricedSelection | None) -> None:
    """Give a line just written its price with options, as the cart's selectors do."""
    line.options_unit_price = priced.unit_price if priced else None
    line.options_snapshot = priced.snapshot if priced else []
    line.options_problem = ""


def _line_add(
    *, owner: CartOwner, item: MenuItem, quantity: int, cap: bool, priced: PricedSelection | None = None
) -> tuple[CartLine, bool]:
    """Add `quantity` of `item` to the owner's line for it, creating the line if needed.

    Returns (line, created). Past 99 the line is capped when `cap`, else QuantityLimit.
    Must run inside a transaction: it locks the line (`SELECT ... FOR UPDATE`) before deciding.
    """
    key = priced.key if priced else ""
    selection = priced.selection if priced else NO_SELECTION
    unit_price = priced.unit_price if priced else item.price
    lines = _line_lookup(owner=owner, menuitem=item, options_key=key)
    for _attempt in range(2):
        line = lines.select_for_update(of=("self",)).select_related("menuitem").first()
        if line is not None:
            total = line.quantity + quantity
            if total > MAX_QUANTITY and not cap:
                raise _over_the_limit(item=item, in_cart=line.quantity)
            line.quantity = min(total, MAX_QUANTITY)
            line.price_when_added = unit_price
            line.save(update_fields=["quantity", "price_when_added", "updated"])
            _options_set(line, priced)
            return line, False
        if CartLine.objects.filter(**owner_filter(owner)).count() >= MAX_LINES:
            raise _cart_full()
        try:
            with transaction.atomic():
                line = CartLine.objects.create(
                    **owner_filter(owner),
                    menuitem=item,
                    quantity=min(quantity, MAX_QUANTITY),
                    price_when_added=unit_price,
                    selection=selection,
                    options_key=key,
                )
            _options_set(line, priced)
            return line, True
        except IntegrityError:
            continue  # another request created this line a moment ago: lock it and add to it
    raise QuantityLimit(f"Could not add {item.title}: please try again.", field="quantity")  # pragma: no cover


@transaction.atomic
def cart_item_add(
    *, owner: CartOwner, menuitem_id: int, quantity: int, choices: object = None, slots: object = None
) -> tuple[CartLine, bool]:
    """Put `quantity` (1..99) of a dish, with the options chosen (`choices`: choice ids; for a
    combo `slots`: `[{"slot", "dish", "choices"}]`), in the owner's cart, or add it to the line
    with the same dish and options. OptionsInvalid (menu.exceptions) for choices against the
    dish's rules, nothing written.

    Returns (line, created). Raises UnknownMenuItem, ItemUnavailable, QuantityLimit (the line
    would pass 99) or CartFull. Takes a row lock on the line by updating it.
    """
    _check_quantity(quantity)
    item = _orderable_item(menuitem_id=menuitem_id)
    priced = _selection_priced(item=item, choices=choices, slots=slots)
    return _line_add(owner=_in_use(owner), item=item, quantity=quantity, cap=False, priced=priced)


@transaction.atomic
def guest_cart_item_add(
    *, guest_cart: GuestCart | None, menuitem_id: int, quantity: int, choices: object = None, slots: object = None
) -> tuple[GuestCart, CartLine]:
    """`cart_item_add` for a visitor of the web pages, whose guest cart is made on their first
    add (`guest_cart` None): a visitor who only browses makes no row, and a refused add (raising
    what `cart_item_add` raises) makes none either. Returns (the guest cart, the line)."""
    guest_cart = guest_cart or guest_cart_create()
    line, _created = cart_item_add(
        owner=guest_cart, menuitem_id=menuitem_id, quantity=quantity, choices=choices, slots=slots
    )
    return guest_cart, line


@transaction.atomic
def cart_item_update(*, owner: CartOwner, line_id: int, quantity: int) -> CartLine:
    """Set a line's quantity (1..99). Raises CartLineNotFound for a line that is not the owner's."""
    _check_quantity(quantity)
    lines = CartLine.objects.select_for_update().select_related("menuitem")
    line = lines.filter(pk=line_id, **owner_filter(owner)).first()
    if line is None:
        raise CartLineNotFound()
    _in_use(owner)
    line.quantity = quantity
    line.save(update_fields=["quantity", "updated"])
    lines_priced([line])  # its price with its options (no query for a plain dish)
    return line


@transaction.atomic
def cart_item_remove(*, owner: CartOwner, line_id: int) -> None:
    """Raises CartLineNotFound for a line that is not the owner's."""
    deleted, _ = CartLine.objects.filter(pk=line_id, **owner_filter(owner)).delete()
    if not deleted:
        raise CartLineNotFound()
    _in_use(owner)


@transaction.atomic
def cart_clear(*, owner: CartOwner) -> int:
    """Empty the owner's cart; returns how many lines were removed."""
    deleted, _ = CartLine.objects.filter(**owner_filter(_in_use(owner))).delete()
    return deleted


@transaction.atomic
def cart_merge(*, user: User, guest_cart: GuestCart) -> list[SkippedLine]:
    """Fold a visitor's guest cart into the account's cart when they sign in or up: each line,
    with its options and combo slots, goes to the account's line of the same dish and options
    (quantities add, capped at 99: a merge never fails for that); the guest cart is emptied.

    Left behind and returned, so the page can say so: a dish off the menu (GONE) or sold out
    (UNAVAILABLE), options that no longer hold (OPTIONS_CHANGED: a choice gone or unavailable),
    a line the account's cart has no room for (CART_FULL). Locks the guest cart's row, then each
    account line it adds to (`_line_add`). Two queries to read (the lock, the lines with their
    dishes), up to four more when some line has options, then one or two writes a line.
    """
    GuestCart.objects.select_for_update().filter(pk=guest_cart.pk).first()
    lines = list(CartLine.objects.filter(guest_cart=guest_cart).select_related("menuitem").order_by("id"))
    catalog = catalog_load(
        {line.menuitem.pk: line.menuitem for line in lines if needs_catalog(line.menuitem, line.selection)}.values()
    )
    skipped: list[SkippedLine] = []
    for line in lines:
        item = line.menuitem
        if not item.orderable:
            reason = SkipReason.GONE if item.archived else SkipReason.UNAVAILABLE
            skipped.append(SkippedLine(item.title, line.quantity, reason))
            continue
        priced = None
        if needs_catalog(item, line.selection):
            try:
                priced = stored_selection_price(catalog=catalog, dish=item, selection=line.selection)
            except OptionsInvalid:
                skipped.append(SkippedLine(item.title, line.quantity, SkipReason.OPTIONS_CHANGED))
                continue
        try:
            _line_add(owner=user, item=item, quantity=line.quantity, cap=True, priced=priced)
        except CartFull:
            skipped.append(SkippedLine(item.title, line.quantity, SkipReason.CART_FULL))
    CartLine.objects.filter(guest_cart=guest_cart).delete()
    return skipped


# --- order again ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReorderLine:
    """One line of a past order and what `cart_reorder` did with it: `added` of `quantity` went
    in the cart (0: none); `reason` (a code) and `message` say why not all of it."""

    title: str
    quantity: int
    added: int
    reason: str = ""
    message: str = ""


@dataclass(frozen=True)
class ReorderResult:
    lines: list[ReorderLine] = field(default_factory=list)

    @property
    def added(self) -> list[ReorderLine]:
        return [line for line in self.lines if line.added]

    @property
    def problems(self) -> list[ReorderLine]:
        """The lines not put in the cart in full, with why."""
        return [line for line in self.lines if line.reason]


def _reorder_refusal(dish: MenuItem | None, *, quantity: int, windows: Any, now) -> tuple[str, str] | None:
    """(reason, message) when the dish cannot go in the cart again at all, else None."""
    if dish is None or getattr(dish, "archived", False):
        return "gone", "no longer on the menu"
    if not dish.available:
        return "unavailable", "sold out"
    left = dish.portions_left_today
    if left == 0:
        return "sold_out_today", "sold out for today"
    if not windows.orderable_at(dish, now):
        start = windows.next_orderable(dish, now)
        return "not_served_now", "not served now" + (f" ({from_label(start, now=now, tz=windows.tz)})" if start else "")
    return None


@transaction.atomic
def cart_reorder(*, user: User, order: Any, now=None) -> ReorderResult:
    """Put the lines of one of the user's past orders in their cart again, with their options
    (`OrderItem.selection`), at today's prices.

    Each order item is added to the cart's line for its dish and options (quantities add, capped
    at 99). Left out, and said why in the result: a dish no longer on the menu, sold out, out of
    today's portions (or with fewer left: that many go in) or not served now (its availability
    windows); options that no longer hold (a choice unavailable or gone, a combo's dish no longer
    offered: `options_changed`, with the reason); a line the cart has no room for. Raises
    PermissionDenied (403) when the order is not the user's own. Locks each cart line it adds to
    (see `_line_add`). Two queries (the order's items with their dishes, the windows), up to four
    more for the options when some item has any, and one or two writes a line.
    """
    if order.customer_id is None or order.customer_id != user.pk:
        raise PermissionDenied("Only the customer who placed an order can order it again.")
    now = now or timezone.now()
    windows = windows_load()
    items = list(order.items.select_related("menuitem").order_by("id"))
    catalog = catalog_load(
        {
            item.menuitem.pk: item.menuitem
            for item in items
            if item.menuitem is not None and needs_catalog(item.menuitem, item.selection)
        }.values()
    )
    result: list[ReorderLine] = []
    for item in items:
        dish, quantity = item.menuitem, item.quantity
        refusal = _reorder_refusal(dish, quantity=quantity, windows=windows, now=now)
        if refusal is not None:
            result.append(ReorderLine(item.title, quantity, 0, *refusal))
            continue
        priced = None
        if needs_catalog(dish, item.selection):
            try:
                priced = stored_selection_price(catalog=catalog, dish=dish, selection=item.selection)
            except OptionsInvalid as error:
                result.append(ReorderLine(item.title, quantity, 0, "options_changed", error.message))
                continue
        wanted, reason, message = quantity, "", ""
        left = dish.portions_left_today
        if left is not None and left < quantity:
            wanted, reason, message = left, "portions_short", f"only {left} left today"
        key = priced.key if priced else ""
        try:
            before = (
                _line_lookup(owner=user, menuitem=dish, options_key=key).values_list("quantity", flat=True).first() or 0
            )
            line, _created = _line_add(owner=user, item=dish, quantity=wanted, cap=True, priced=priced)
        except CartFull:
            result.append(
                ReorderLine(item.title, quantity, 0, "cart_full", f"your cart holds {MAX_LINES} dishes at most")
            )
            continue
        added = line.quantity - before
        if added < wanted:
            reason, message = "quantity_limit", f"a line holds at most {MAX_QUANTITY}"
        result.append(ReorderLine(item.title, quantity, added, reason, message))
    return ReorderResult(result)


# --- a guest's cart: the API's cart token, the web visitor's (its token in the session) ------


def guest_cart_create() -> GuestCart:
    """A new, empty guest cart with a fresh random token. The API and the web pages (which make
    one on a visitor's first add) both limit making them per address (THROTTLE_GUEST_RATE)."""
    return GuestCart.objects.create()


def guest_cart_touch(*, guest_cart: GuestCart) -> None:
    """Note that the guest cart is in use (`last_seen`, by which old ones can be purged); writes at
    most once an hour."""
    now = timezone.now()
    if guest_cart.last_seen < now - timedelta(hours=1):
        GuestCart.objects.filter(pk=guest_cart.pk).update(last_seen=now)
        guest_cart.last_seen = now
