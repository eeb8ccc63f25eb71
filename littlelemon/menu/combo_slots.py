"""Writes to a combo's slots (the back office's combo screens; the admin edits the same tables):
a slot ("a main", "a side") with the dishes it offers and their supplements, saved whole.

What a customer may choose is checked when they order (menu.options); this keeps the slots
orderable in the first place: every slot offers at least one dish, a dish once per slot, never
the combo itself nor another combo (a combo's components are plain dishes with their options).
"""

from decimal import Decimal
from typing import Any

from django.db import transaction

from littlelemon.accounts.models import User
from littlelemon.audit.services import audit_record
from littlelemon.core.exceptions import InvalidInput

from .models import MAX_DELTA, ComboSlot, ComboSlotOption, MenuItem

SLOT_FIELDS = ("name", "position")


def _offers_checked(combo: MenuItem, offers: list[dict[str, Any]]) -> dict[int, MenuItem]:
    """The offered dishes by pk. Raises InvalidInput (`extra["index"]`: the offer's place)."""
    if not offers:
        raise InvalidInput("Offer at least one dish in this slot.")
    wanted = [offer["menuitem"] for offer in offers]
    dishes = MenuItem.objects.in_bulk(wanted)
    seen: set[int] = set()
    for index, offer in enumerate(offers):
        dish = dishes.get(offer["menuitem"])
        problem = ""
        if dish is None or dish.archived:
            problem = "Choose a dish on the menu."
        elif dish.pk == combo.pk or dish.is_combo:
            problem = f"{dish.title} is a meal deal: a slot offers plain dishes."
        elif dish.pk in seen:
            problem = f"{dish.title} is offered twice in this slot."
        if problem:
            raise InvalidInput(problem, field="menuitem", extra={"index": index})
        seen.add(dish.pk)
        supplement = offer["supplement"]
        if not Decimal("0.00") <= supplement <= MAX_DELTA:
            raise InvalidInput(
                f"A supplement is between 0.00 and {MAX_DELTA}.", field="supplement", extra={"index": index}
            )
    return dishes


def _offer_labels(slot: ComboSlot, dishes: dict[int, MenuItem]) -> list[str]:
    return [f"{dishes[o.menuitem_id].title} +{o.supplement}" for o in slot.options.all() if o.menuitem_id in dishes]


@transaction.atomic
def combo_slot_save(
    *,
    combo: MenuItem,
    data: dict[str, Any],
    offers: list[dict[str, Any]],
    slot: ComboSlot | None = None,
    actor: User | None = None,
) -> ComboSlot:
    """Create (`slot` None) or change a slot of `combo` with every dish it offers: `data` has
    name and position, `offers` each (menuitem id, supplement, position); the slot's other
    offers are removed. Raises InvalidInput naming the field (`extra["index"]`: the offer's place
    in `offers`): the dish is not a meal deal, no offer, an archived or unknown dish, the combo
    itself or another combo, a dish twice, a supplement outside 0..999.99. Nothing is written
    then. Locks the combo's row."""
    combo = MenuItem.objects.select_for_update().get(pk=combo.pk)
    if not combo.is_combo:
        raise InvalidInput(f"{combo.title} is not a meal deal: tick “Meal deal” on its page first.")
    if slot is not None and slot.combo_id != combo.pk:
        raise InvalidInput("This slot belongs to another meal deal.")
    if not data["name"].strip():
        raise InvalidInput("Name the slot, e.g. “A side”.", field="name")
    dishes = _offers_checked(combo, offers)
    before = {"slot": None, "offers": []}
    if slot is not None:
        slot = ComboSlot.objects.select_for_update().get(pk=slot.pk)
        before = {
            "slot": {field: getattr(slot, field) for field in SLOT_FIELDS},
            "offers": _offer_labels(slot, MenuItem.objects.in_bulk(slot.options.values_list("menuitem_id", flat=True))),
        }
    slot = slot or ComboSlot(combo=combo)
    for field in SLOT_FIELDS:
        setattr(slot, field, data[field])
    slot.save()
    slot.options.all().delete()
    ComboSlotOption.objects.bulk_create(
        ComboSlotOption(slot=slot, menuitem_id=o["menuitem"], supplement=o["supplement"], position=o["position"])
        for o in offers
    )
    after = {"slot": {field: getattr(slot, field) for field in SLOT_FIELDS}, "offers": _offer_labels(slot, dishes)}
    if before != after:
        audit_record(
            actor=actor, action="combo_slot.save", target=combo, changes={slot.name: {"before": before, "after": after}}
        )
    return slot


@transaction.atomic
def combo_slot_delete(*, slot: ComboSlot, actor: User | None = None) -> None:
    """Remove a slot and its offers from its combo. Locks the combo's row."""
    combo = MenuItem.objects.select_for_update().get(pk=slot.combo_id)
    audit_record(
        actor=actor, action="combo_slot.delete", target=combo, changes={slot.name: {"before": slot.name, "after": None}}
    )
    slot.delete()
