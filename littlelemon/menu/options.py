"""A dish's options and a combo's slots: reading them (in a fixed number of queries whatever their
number) and checking and pricing what a customer chose, the one function the cart, placement,
the API and the pages all use.

A *selection* is kept normalised, as JSON:

- a dish: `{"choices": [choice ids]}` (or `{}` with none);
- a combo: `{"choices": [...], "slots": [{"slot": id, "dish": id, "choices": [...]}, ...]}`, one
  entry per slot, in the slots' order, each chosen dish with its own choices.

Its *key* is a canonical string of it ("" for none): a cart line is (owner, dish, key), so two
burgers with different extras are two lines and the same burger twice is one.

The unit price is the dish's (or combo's) price, plus each choice's `price_delta`, plus each
slot's supplement and its dish's choices' deltas; it must stay above zero. Rounded half up to
the cent (`core.money.to_money`).
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from littlelemon.core.money import to_money

from .exceptions import (
    ComboDishNotOffered,
    ComboSlotInvalid,
    OptionCountInvalid,
    OptionNotOffered,
    OptionRequired,
    OptionsInvalid,
    OptionUnavailable,
)
from .models import ComboSlot, ComboSlotOption, MenuItem, MenuItemOptionGroup, OptionChoice, OptionGroup

MAX_CHOICES = 50  # what one request may name: a bound on the work, far above any real dish
MAX_KEY_LENGTH = 400


@dataclass
class OptionCatalog:
    """The option groups (with their choices) of some dishes, and the slots (with the dishes they
    offer) of the combos among them. `catalog_load` reads it."""

    groups: dict[int, list[OptionGroup]] = field(default_factory=dict)  # dish id -> groups, each with .choice_list
    slots: dict[int, list[ComboSlot]] = field(default_factory=dict)  # combo id -> slots, each with .offers

    def groups_of(self, dish: MenuItem) -> list[OptionGroup]:
        return self.groups.get(dish.pk, [])

    def slots_of(self, dish: MenuItem) -> list[ComboSlot]:
        return self.slots.get(dish.pk, []) if dish.is_combo else []


def catalog_load(dishes: Iterable[MenuItem]) -> OptionCatalog:
    """The options of `dishes` (and of every dish their combos offer): at most four queries,
    whatever the number of dishes, groups, choices and slots (none for no dishes; the slot
    queries only when a combo is among them; the choice query only when some group is)."""
    dishes = list(dishes)
    catalog = OptionCatalog()
    if not dishes:
        return catalog
    dish_ids = {dish.pk for dish in dishes}
    combo_ids = sorted(dish.pk for dish in dishes if dish.is_combo)
    if combo_ids:
        slots = list(ComboSlot.objects.filter(combo_id__in=combo_ids).order_by("position", "id"))
        offers = (
            ComboSlotOption.objects.filter(slot__combo_id__in=combo_ids)
            .select_related("menuitem")
            .order_by("position", "id")
        )
        by_slot: dict[int, list[ComboSlotOption]] = {}
        for offer in offers:
            by_slot.setdefault(offer.slot_id, []).append(offer)
            dish_ids.add(offer.menuitem_id)
        for slot in slots:
            slot.offers = by_slot.get(slot.pk, [])
            catalog.slots.setdefault(slot.combo_id, []).append(slot)
    links = list(
        MenuItemOptionGroup.objects.filter(menuitem_id__in=sorted(dish_ids))
        .select_related("group")
        .order_by("position", "group__position", "id")
    )
    groups = {link.group_id: link.group for link in links}
    if groups:
        for group in groups.values():
            group.choice_list = []
        for choice in OptionChoice.objects.filter(group_id__in=sorted(groups)).order_by("position", "id"):
            groups[choice.group_id].choice_list.append(choice)
    for link in links:
        catalog.groups.setdefault(link.menuitem_id, []).append(groups[link.group_id])
    return catalog


@dataclass(frozen=True)
class PricedSelection:
    """A checked selection: normalised, its key, the unit price it makes, the snapshot an order
    item keeps (names and prices as they were) and, for a combo, the dishes chosen in its slots
    (`components`, as the catalog read them: placement takes their daily portions and checks
    their time windows as it does a dish ordered alone)."""

    selection: dict[str, Any]
    key: str
    unit_price: Decimal
    snapshot: list[dict[str, Any]]
    components: tuple[MenuItem, ...] = ()


NO_SELECTION: dict[str, Any] = {}


def _ids(value: object, *, what: str, where: str) -> list[int]:
    """A list of distinct positive ids, or OptionsInvalid naming `where`."""
    if value is None:
        return []
    if not isinstance(value, list | tuple) or len(value) > MAX_CHOICES:
        raise OptionsInvalid(f"{what} must be a list of ids.", field=where)
    ids: list[int] = []
    for entry in value:
        if isinstance(entry, bool) or not isinstance(entry, int | str):
            raise OptionsInvalid(f"{what} must be a list of ids.", field=where)
        try:
            number = int(entry)
        except ValueError:
            raise OptionsInvalid(f"{what} must be a list of ids.", field=where) from None
        if number in ids:
            raise OptionsInvalid(f"{what}: choice {number} is named twice.", field=where)
        ids.append(number)
    return ids


def _count_error(group: OptionGroup, chosen: int, *, dish: MenuItem, where: str) -> OptionsInvalid | None:
    name = group.name.lower()
    extra = {"group": group.pk, "group_name": group.name, "menuitem": dish.pk}
    if chosen < group.min_choices:
        if group.min_choices == 1:
            article = "an" if name[:1] in "aeiou" else "a"
            message = f"Choose {article} {name}" if group.single else f"Choose at least one of {name}"
            return OptionRequired(f"{message} for {dish.title}.", field=where, extra=extra)
        return OptionCountInvalid(
            f"Choose at least {group.min_choices} {name} for {dish.title}.", field=where, extra=extra
        )
    if chosen > group.max_choices:
        message = f"Choose only one {name}" if group.single else f"Up to {group.max_choices} {name}"
        return OptionCountInvalid(f"{message} for {dish.title}.", field=where, extra=extra)
    return None


def _choices_checked(
    *, catalog: OptionCatalog, dish: MenuItem, choice_ids: list[int], where: str
) -> tuple[list[int], Decimal, list[dict[str, Any]]]:
    """(the choice ids in the dish's order, their deltas' sum, their snapshot). Raises
    OptionNotOffered, OptionUnavailable, OptionRequired, OptionCountInvalid."""
    wanted = set(choice_ids)
    found: dict[int, tuple[OptionGroup, OptionChoice]] = {}
    for group in catalog.groups_of(dish):
        for choice in group.choice_list:
            if choice.pk in wanted:
                found[choice.pk] = (group, choice)
    missing = [choice_id for choice_id in choice_ids if choice_id not in found]
    if missing:
        raise OptionNotOffered(
            f"Choice {missing[0]} is not one of {dish.title}'s options.",
            field=where,
            extra={"choice": missing[0], "menuitem": dish.pk},
        )
    ordered: list[int] = []
    delta = Decimal("0.00")
    snapshot: list[dict[str, Any]] = []
    for group in catalog.groups_of(dish):
        chosen = [choice for choice in group.choice_list if choice.pk in wanted]
        error = _count_error(group, len(chosen), dish=dish, where=where)
        if error is not None:
            raise error
        for choice in chosen:
            if not choice.available:
                raise OptionUnavailable(
                    f"{group.name}: {choice.name} is not available at the moment.",
                    field=where,
                    extra={"group": group.pk, "group_name": group.name, "choice": choice.pk, "menuitem": dish.pk},
                )
            ordered.append(choice.pk)
            delta += choice.price_delta
            snapshot.append({"group": group.name, "choice": choice.name, "price_delta": str(choice.price_delta)})
    return ordered, delta, snapshot


def _slot_noun(slot: ComboSlot) -> str:
    """ "side" for a slot named "A side", "main course" for "Main course"."""
    name = slot.name.lower()
    return name.split(" ", 1)[1] if name.startswith(("a ", "an ")) else name


def _component_refusal(dish: MenuItem, slot: ComboSlot) -> str:
    """Why a dish a slot offers cannot be chosen today ("" when it can): taken off the menu, sold
    out by the kitchen or out of today's portions, as for the dish ordered alone. No query."""
    if dish.archived:
        what = "no longer on the menu"
    elif not dish.available:
        what = "sold out"
    elif dish.portions_left_today == 0:
        what = "sold out for today"
    else:
        return ""
    return f"{dish.title} is {what}: choose another {_slot_noun(slot)}."


def _slots_checked(
    *, catalog: OptionCatalog, combo: MenuItem, slots: object
) -> tuple[list[dict[str, Any]], Decimal, list[dict[str, Any]], list[MenuItem]]:
    """The combo's slots as chosen: (normalised entries, supplements + deltas, snapshot, the
    dishes chosen)."""
    if slots is None:
        slots = []
    if not isinstance(slots, list | tuple) or len(slots) > MAX_CHOICES:
        raise ComboSlotInvalid("slots must be a list of {slot, dish, choices}.", field="slots")
    by_slot: dict[int, dict[str, Any]] = {}
    for entry in slots:
        if not isinstance(entry, dict):
            raise ComboSlotInvalid("slots must be a list of {slot, dish, choices}.", field="slots")
        [slot_id] = _ids([entry.get("slot")], what="slot", where="slots") or [0]
        if slot_id in by_slot:
            raise ComboSlotInvalid(f"Slot {slot_id} is filled twice.", field="slots", extra={"slot": slot_id})
        by_slot[slot_id] = entry
    known = {slot.pk for slot in catalog.slots_of(combo)}
    stray = [slot_id for slot_id in by_slot if slot_id not in known]
    if stray:
        raise ComboSlotInvalid(
            f"Slot {stray[0]} is not part of {combo.title}.", field="slots", extra={"slot": stray[0]}
        )
    entries: list[dict[str, Any]] = []
    extra_price = Decimal("0.00")
    snapshot: list[dict[str, Any]] = []
    dishes: list[MenuItem] = []
    for slot in catalog.slots_of(combo):
        where = f"slot_{slot.pk}"
        entry = by_slot.get(slot.pk)
        if entry is None or entry.get("dish") in (None, ""):
            named = slot.name.lower()
            article = "an" if named[:1] in "aeiou" else "a"
            name = named if named.startswith(("a ", "an ")) else f"{article} {named}"
            raise ComboSlotInvalid(f"Choose {name} for {combo.title}.", field=where, extra={"slot": slot.pk})
        [dish_id] = _ids([entry.get("dish")], what=slot.name, where=where)
        offer = next((offer for offer in slot.offers if offer.menuitem_id == dish_id), None)
        if offer is None:
            raise ComboDishNotOffered(
                f"Dish {dish_id} is not offered as {slot.name} in {combo.title}.",
                field=where,
                extra={"slot": slot.pk, "menuitem": dish_id},
            )
        dish = offer.menuitem
        refusal = _component_refusal(dish, slot)
        if refusal:
            raise ComboDishNotOffered(refusal, field=where, extra={"slot": slot.pk, "menuitem": dish.pk})
        choice_ids = _ids(entry.get("choices"), what=f"{slot.name} choices", where=where)
        ordered, delta, options = _choices_checked(catalog=catalog, dish=dish, choice_ids=choice_ids, where=where)
        entries.append({"slot": slot.pk, "dish": dish.pk, "choices": ordered})
        dishes.append(dish)
        extra_price += offer.supplement + delta
        snapshot.append(
            {"slot": slot.name, "dish": dish.title, "supplement": str(offer.supplement), "options": options}
        )
    return entries, extra_price, snapshot, dishes


def selection_dish_ids(selection: object) -> list[int]:
    """The ids of the dishes chosen in a combo's slots, in slot order, from a normalised selection
    (a cart line's, an order item's); [] for a plain dish's. No query."""
    if not isinstance(selection, dict):
        return []
    entries = selection.get("slots") or []
    return [
        entry["dish"]
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get("dish"), int) and not isinstance(entry["dish"], bool)
    ]


def selection_key(selection: dict[str, Any]) -> str:
    """The canonical string of a normalised selection: "" for none, else e.g. `c3.7` or
    `c|s4=12c9|s5=20` (choices by id, slots in order with their dish and its choices)."""
    if not selection:
        return ""
    parts = ["c" + ".".join(str(choice) for choice in sorted(selection.get("choices", [])))]
    for entry in selection.get("slots", []):
        choices = ".".join(str(choice) for choice in sorted(entry["choices"]))
        parts.append(f"s{entry['slot']}={entry['dish']}c{choices}")
    key = "|".join(parts)
    # The column holds 500 characters: a very long selection is keyed by its hash instead.
    return key if len(key) <= MAX_KEY_LENGTH else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def selection_price(
    *, catalog: OptionCatalog, dish: MenuItem, choices: object = None, slots: object = None
) -> PricedSelection:
    """Check what a customer chose for `dish` against its groups (and, for a combo, its slots) as
    `catalog` has them, and price it. No query.

    Raises (each an InvalidInput, 400, naming the group or slot; `field` is `choices`, `slots` or
    `slot_<id>`): OptionRequired (a required group left empty: "Choose a size for ..."),
    OptionCountInvalid (too many or too few: "Up to 3 extras for ..."), OptionNotOffered (a choice
    from another dish's group, or none), OptionUnavailable, ComboSlotInvalid (a slot left empty,
    filled twice or not the combo's; slots for a dish that is no combo), ComboDishNotOffered (a
    dish the slot does not offer, or one archived, sold out or out of today's portions: the daily
    portions themselves are taken at placement), OptionsInvalid (malformed, or a unit price that
    would not stay above zero).
    """
    choice_ids = _ids(choices, what="choices", where="choices")
    ordered, delta, snapshot = _choices_checked(catalog=catalog, dish=dish, choice_ids=choice_ids, where="choices")
    selection: dict[str, Any] = {"choices": ordered} if ordered else {}
    components: list[MenuItem] = []
    if dish.is_combo:
        entries, extra_price, slot_snapshot, components = _slots_checked(catalog=catalog, combo=dish, slots=slots)
        if entries:
            selection = {"choices": ordered, "slots": entries}
        delta += extra_price
        snapshot += slot_snapshot
    elif slots:
        raise ComboSlotInvalid(f"{dish.title} is not a combo: it has no slots to fill.", field="slots")
    unit_price = to_money(dish.price + delta)
    if unit_price <= 0:
        raise OptionsInvalid(f"These options would make {dish.title} free or less: choose others.", field="choices")
    return PricedSelection(
        selection=selection,
        key=selection_key(selection),
        unit_price=unit_price,
        snapshot=snapshot,
        components=tuple(components),
    )


def stored_selection_price(*, catalog: OptionCatalog, dish: MenuItem, selection: dict[str, Any]) -> PricedSelection:
    """`selection_price` for a selection kept on a cart line (checked again: a choice may have
    become unavailable, or left the dish, since)."""
    selection = selection or {}
    return selection_price(catalog=catalog, dish=dish, choices=selection.get("choices"), slots=selection.get("slots"))


def needs_catalog(dish: MenuItem, selection: dict[str, Any] | None) -> bool:
    """Whether a line of `dish` with `selection` must read the catalog to be priced: a plain dish
    with no choice costs its menu price (no query), as before options existed."""
    return bool(selection) or dish.is_combo


def lines_priced(lines: Sequence[Any]) -> None:
    """Price cart lines (saved or not; each with `menuitem` and `selection`) at today's prices,
    in at most four queries for all of them (none when no line has options). Sets on each line
    `options_unit_price` (None: the dish's price), `options_snapshot`, `options_problem` (the
    message of a selection that no longer holds, else "") and `components` (a combo's chosen
    dishes: `PricedSelection.components`; () otherwise)."""
    with_options = [line for line in lines if needs_catalog(line.menuitem, line.selection)]
    catalog = catalog_load({line.menuitem.pk: line.menuitem for line in with_options}.values())
    for line in lines:
        line.options_unit_price, line.options_snapshot, line.options_problem, line.components = None, [], "", ()
    for line in with_options:
        try:
            priced = stored_selection_price(catalog=catalog, dish=line.menuitem, selection=line.selection)
        except OptionsInvalid as error:
            line.options_problem = error.message
        else:
            line.options_unit_price, line.options_snapshot = priced.unit_price, priced.snapshot
            line.components = priced.components
