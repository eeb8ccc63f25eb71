"""Writes to carts. Every function is scoped to one cart and runs in one transaction.

A cart's *owner* is a signed-in user or a `GuestCart` (someone ordering without an account:
the API's `X-Cart-Token`, the web checkout's guest); the same rules and messages apply to both.

Adding to a line locks it (`SELECT ... FOR UPDATE`), then decides on the locked quantity, so two
requests adding the same dish at once both count and neither pushes the line past 99; the
unique constraint on (user, dish) turns a race to create the same line into an addition to it.

A visitor who has not signed in keeps a *guest cart* outside the database (the web pages keep
it in the session): `guest_cart_add/update/remove` apply the same rules, with the same errors
and messages, to a plain `{menuitem id: quantity}` mapping, and `cart_merge` folds it into the
account's cart when they sign in or up.
"""

from collections.abc import Iterable, Mapping
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
    menuitem_id: object
    quantity: object
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
    return _line_add(owner=owner, item=item, quantity=quantity, cap=False, priced=priced)


@transaction.atomic
def cart_item_update(*, owner: CartOwner, line_id: int, quantity: int) -> CartLine:
    """Set a line's quantity (1..99). Raises CartLineNotFound for a line that is not the owner's."""
    _check_quantity(quantity)
    lines = CartLine.objects.select_for_update().select_related("menuitem")
    line = lines.filter(pk=line_id, **owner_filter(owner)).first()
    if line is None:
        raise CartLineNotFound()
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


@transaction.atomic
def cart_clear(*, owner: CartOwner) -> int:
    """Empty the owner's cart; returns how many lines were removed."""
    deleted, _ = CartLine.objects.filter(**owner_filter(owner)).delete()
    return deleted


def _as_quantity(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= 1 else None


@transaction.atomic
def cart_merge(*, user: User, lines: Iterable[tuple[object, object]]) -> list[SkippedLine]:
    """Fold an anonymous visitor's cart (`(menuitem_id, quantity)` pairs, e.g. from the session)
    into the account's cart when they sign in or up.

    Quantities add to the lines already there, capped at 99 (a merge never fails for that).
    Unknown or sold-out dishes, nonsense quantities and lines past the cart's size limit are
    skipped and returned, so the page can say what was left behind. Repeated dishes are summed.
    """
    skipped: list[SkippedLine] = []
    wanted: dict[int, int] = {}
    for menuitem_id, quantity in lines:
        number = _as_quantity(quantity)
        item_id = _as_quantity(menuitem_id)
        if number is None:
            skipped.append(SkippedLine(menuitem_id, quantity, SkipReason.INVALID_QUANTITY))
        elif item_id is None or item_id > MAX_ID:
            skipped.append(SkippedLine(menuitem_id, quantity, SkipReason.UNKNOWN))
        else:
            wanted[item_id] = wanted.get(item_id, 0) + number
    items = MenuItem.objects.in_bulk(list(wanted))
    for item_id, quantity in wanted.items():
        item = items.get(item_id)
        if item is None:
            skipped.append(SkippedLine(item_id, quantity, SkipReason.UNKNOWN))
        elif not item.orderable:
            skipped.append(SkippedLine(item_id, quantity, SkipReason.UNAVAILABLE))
        else:
            try:
                _line_add(owner=user, item=item, quantity=min(quantity, MAX_QUANTITY), cap=True)
            except CartFull:
                skipped.append(SkippedLine(item_id, quantity, SkipReason.CART_FULL))
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


# --- a guest's cart in the database (the API's cart token, the web's guest checkout) ---------


def guest_cart_create() -> GuestCart:
    """A new, empty guest cart with a fresh random token (callers throttle this: sign-up's rate)."""
    return GuestCart.objects.create()


def guest_cart_touch(*, guest_cart: GuestCart) -> None:
    """Note that the guest cart is in use (`last_seen`, by which old ones can be purged); writes at
    most once an hour."""
    now = timezone.now()
    if guest_cart.last_seen < now - timedelta(hours=1):
        GuestCart.objects.filter(pk=guest_cart.pk).update(last_seen=now)
        guest_cart.last_seen = now


@transaction.atomic
def guest_cart_fill(*, guest_cart: GuestCart, lines: Mapping[int, int]) -> list[SkippedLine]:
    """Make the guest cart hold exactly `lines` (`{menuitem id: quantity}`, the web session's
    cart) before a guest checkout: its lines are replaced; dishes no longer on the menu are
    skipped and returned. Locks the guest cart's row."""
    GuestCart.objects.select_for_update().filter(pk=guest_cart.pk).first()
    CartLine.objects.filter(guest_cart=guest_cart).delete()
    skipped: list[SkippedLine] = []
    items = MenuItem.objects.in_bulk(list(lines)[:MAX_LINES])
    for item_id, quantity in list(lines.items())[:MAX_LINES]:
        item = items.get(item_id)
        if item is None:
            skipped.append(SkippedLine(item_id, quantity, SkipReason.UNKNOWN))
        else:  # a sold-out dish stays, as in an account's cart: placing the order names it
            CartLine.objects.create(
                guest_cart=guest_cart, menuitem=item, quantity=min(quantity, MAX_QUANTITY), price_when_added=item.price
            )
    return skipped


# --- a visitor's cart, kept outside the database ------------------------------------------


def guest_cart_add(*, lines: Mapping[int, int], menuitem_id: int, quantity: int) -> tuple[dict[int, int], MenuItem]:
    """`cart_item_add` for a guest cart (`{menuitem id: quantity}`, e.g. from the session).

    Returns the new mapping (the given one is not changed) and the dish. Raises what
    `cart_item_add` raises, with the same messages: QuantityLimit, UnknownMenuItem,
    ItemUnavailable, CartFull. One query (the dish).
    """
    _check_quantity(quantity)
    item = _orderable_item(menuitem_id=menuitem_id)
    try:
        _selection_priced(item=item, choices=None, slots=None)
    except OptionsInvalid:
        # A visitor's session cart keeps dish ids only: a dish that needs choices waits for an account.
        raise OptionsInvalid(f"Sign in to choose the options of {item.title}.", field="choices") from None
    in_cart = lines.get(item.pk, 0)
    if in_cart + quantity > MAX_QUANTITY:
        raise _over_the_limit(item=item, in_cart=in_cart)
    if not in_cart and len(lines) >= MAX_LINES:
        raise _cart_full()
    return {**lines, item.pk: in_cart + quantity}, item


def guest_cart_update(*, lines: Mapping[int, int], menuitem_id: int, quantity: int) -> dict[int, int]:
    """`cart_item_update` for a guest cart: raises QuantityLimit, or CartLineNotFound for a dish
    that is not in it. No query."""
    _check_quantity(quantity)
    if menuitem_id not in lines:
        raise CartLineNotFound()
    return {**lines, menuitem_id: quantity}


def guest_cart_remove(*, lines: Mapping[int, int], menuitem_id: int) -> dict[int, int]:
    """`cart_item_remove` for a guest cart: raises CartLineNotFound for a dish not in it."""
    if menuitem_id not in lines:
        raise CartLineNotFound()
    return {item_id: quantity for item_id, quantity in lines.items() if item_id != menuitem_id}
