"""Writes to carts. Every function is scoped to one user's cart and runs in one transaction.

Adding to a line locks it (`SELECT ... FOR UPDATE`), then decides on the locked quantity, so two
requests adding the same dish at once both count and neither pushes the line past 99; the
unique constraint on (user, dish) turns a race to create the same line into an addition to it.

A line's identity is (user, dish, chosen options): `cart_item_add` checks and prices the choices
with `menu.options.selection_price` (a missing required group, too many extras, a choice from
another dish, a combo slot filled with a dish it does not offer: each an InvalidInput naming the
group or slot, nothing written) and adds to the line with the same options, or makes a new one.

A visitor who has not signed in keeps a *guest cart* outside the database (the web pages keep
it in the session): `guest_cart_add/update/remove` apply the same rules, with the same errors
and messages, to a plain `{menuitem id: quantity}` mapping, and `cart_merge` folds it into the
account's cart when they sign in or up.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet

from littlelemon.accounts.models import User
from littlelemon.core.models import MAX_ID
from littlelemon.menu.exceptions import OptionsInvalid
from littlelemon.menu.models import MenuItem, MenuItemOptionGroup
from littlelemon.menu.options import NO_SELECTION, PricedSelection, catalog_load, lines_priced, selection_price

from .enums import MAX_LINES, MAX_QUANTITY, SkipReason
from .exceptions import CartFull, CartLineNotFound, ItemUnavailable, QuantityLimit, UnknownMenuItem
from .models import CartLine


@dataclass(frozen=True)
class SkippedLine:
    menuitem_id: object
    quantity: object
    reason: SkipReason


def _line_lookup(*, user: User, menuitem: MenuItem, options_key: str = "") -> QuerySet[CartLine]:
    """The one place that knows what makes a line unique: (dish, options)."""
    return CartLine.objects.filter(user=user, menuitem=menuitem, options_key=options_key)


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
    if not item.available:
        raise ItemUnavailable(f"{item.title} is sold out.", field="menuitem")
    return item


def _selection_priced(*, item: MenuItem, choices: object, slots: object) -> PricedSelection | None:
    """The checked, priced selection for `item` (None for a plain dish chosen plainly: no query).
    Raises what `menu.options.selection_price` raises."""
    if not (getattr(item, "has_options", True) or item.is_combo or choices or slots):
        return None
    return selection_price(catalog=catalog_load([item]), dish=item, choices=choices, slots=slots)


def _line_add(
    *, user: User, item: MenuItem, quantity: int, cap: bool, priced: PricedSelection | None = None
) -> tuple[CartLine, bool]:
    """Add `quantity` of `item` (with the options `priced`) to the user's line for it, creating
    the line if needed.

    Returns (line, created). Past 99 the line is capped when `cap`, else QuantityLimit.
    Must run inside a transaction: it locks the line (`SELECT ... FOR UPDATE`) before deciding.
    """
    key = priced.key if priced else ""
    selection = priced.selection if priced else NO_SELECTION
    unit_price = priced.unit_price if priced else item.price
    lines = _line_lookup(user=user, menuitem=item, options_key=key)
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
        if CartLine.objects.filter(user=user).count() >= MAX_LINES:
            raise _cart_full()
        try:
            with transaction.atomic():
                line = CartLine.objects.create(
                    user=user,
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


def _options_set(line: CartLine, priced: PricedSelection | None) -> None:
    """Give a line just written its price with options, as the cart's selectors do."""
    line.options_unit_price = priced.unit_price if priced else None
    line.options_snapshot = priced.snapshot if priced else []
    line.options_problem = ""


@transaction.atomic
def cart_item_add(
    *, user: User, menuitem_id: int, quantity: int, choices: object = None, slots: object = None
) -> tuple[CartLine, bool]:
    """Put `quantity` (1..99) of a dish, with the options chosen (`choices`: choice ids; for a
    combo `slots`: `[{"slot", "dish", "choices"}]`), in the user's cart, or add it to the line
    with the same dish and options.

    Returns (line, created). Raises UnknownMenuItem, ItemUnavailable, QuantityLimit (the line
    would pass 99), CartFull, or an OptionsInvalid (menu.exceptions: a required group left
    empty, too many choices, a choice not the dish's or unavailable, a combo slot empty or
    filled with a dish it does not offer), nothing written. Takes a row lock on the line by
    updating it.
    """
    _check_quantity(quantity)
    item = _orderable_item(menuitem_id=menuitem_id)
    priced = _selection_priced(item=item, choices=choices, slots=slots)
    return _line_add(user=user, item=item, quantity=quantity, cap=False, priced=priced)


@transaction.atomic
def cart_item_update(*, user: User, line_id: int, quantity: int) -> CartLine:
    """Set a line's quantity (1..99). Raises CartLineNotFound for a line that is not the user's."""
    _check_quantity(quantity)
    line = CartLine.objects.select_for_update().select_related("menuitem").filter(pk=line_id, user=user).first()
    if line is None:
        raise CartLineNotFound()
    line.quantity = quantity
    line.save(update_fields=["quantity", "updated"])
    lines_priced([line])  # its price with its options (no query for a plain dish)
    return line


@transaction.atomic
def cart_item_remove(*, user: User, line_id: int) -> None:
    """Raises CartLineNotFound for a line that is not the user's."""
    deleted, _ = CartLine.objects.filter(pk=line_id, user=user).delete()
    if not deleted:
        raise CartLineNotFound()


@transaction.atomic
def cart_clear(*, user: User) -> int:
    """Empty the user's cart; returns how many lines were removed."""
    deleted, _ = CartLine.objects.filter(user=user).delete()
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
        elif not item.available:
            skipped.append(SkippedLine(item_id, quantity, SkipReason.UNAVAILABLE))
        else:
            try:
                _line_add(user=user, item=item, quantity=min(quantity, MAX_QUANTITY), cap=True)
            except CartFull:
                skipped.append(SkippedLine(item_id, quantity, SkipReason.CART_FULL))
    return skipped


# --- a visitor's cart, kept outside the database ------------------------------------------


def guest_cart_add(*, lines: Mapping[int, int], menuitem_id: int, quantity: int) -> tuple[dict[int, int], MenuItem]:
    """`cart_item_add` for a guest cart (`{menuitem id: quantity}`, e.g. from the session).

    Returns the new mapping (the given one is not changed) and the dish. Raises what
    `cart_item_add` raises, with the same messages: QuantityLimit, UnknownMenuItem,
    ItemUnavailable, CartFull, and OptionsInvalid for a dish with options (a visitor's cart
    keeps plain dishes only). One query (the dish) for a dish without options.
    """
    _check_quantity(quantity)
    item = _orderable_item(menuitem_id=menuitem_id)
    try:
        _selection_priced(item=item, choices=None, slots=None)
    except OptionsInvalid:
        # A visitor's cart keeps dish ids only: a dish that needs choices (or a combo) waits for an account.
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
