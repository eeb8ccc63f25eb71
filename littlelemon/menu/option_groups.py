"""Writes to the option groups and their choices (the back office's option screens; the admin
edits the same tables): a group with its choices saved whole, and the groups a dish offers.

A group is shared: a choice's price difference must leave every dish offering it above zero
(menu.options refuses a unit price of zero or less when a customer orders; this says so to the
manager first, next to the choice).
"""

from decimal import Decimal
from typing import Any

from django.db import transaction

from littlelemon.accounts.models import User
from littlelemon.audit.services import audit_changes, audit_record, audit_snapshot
from littlelemon.core.exceptions import InvalidInput

from .models import MAX_DELTA, MenuItem, MenuItemOptionGroup, OptionChoice, OptionGroup

GROUP_FIELDS = ("name", "min_choices", "max_choices", "position")
CHOICE_FIELDS = ("name", "price_delta", "available", "position")


def _group_checked(data: dict[str, Any]) -> None:
    if data["max_choices"] < 1:
        raise InvalidInput("A group allows at least 1 choice.", field="max_choices")
    if data["min_choices"] > data["max_choices"]:
        raise InvalidInput(
            f"The minimum ({data['min_choices']}) cannot be above the maximum ({data['max_choices']}).",
            field="min_choices",
        )


def _deltas_checked(deltas: list[Decimal], dishes: list[MenuItem], *, field: str = "price_delta") -> None:
    """Raises InvalidInput (`extra["index"]`: the delta's place) for a delta outside the model's
    range or one taking a dish's price to zero or below."""
    cheapest = min(dishes, key=lambda dish: dish.price, default=None)
    for index, delta in enumerate(deltas):
        if abs(delta) > MAX_DELTA:
            raise InvalidInput(
                f"A price difference is at most {MAX_DELTA} either way.", field=field, extra={"index": index}
            )
        if cheapest is not None and cheapest.price + delta <= 0:
            raise InvalidInput(
                f"A price difference of {delta} would make {cheapest.title} ({cheapest.price}) free or less: "
                f"at least {Decimal('0.01') - cheapest.price} for the dishes offering this group.",
                field=field,
                extra={"index": index},
            )


@transaction.atomic
def option_group_save(
    *, data: dict[str, Any], choices: list[dict[str, Any]], group: OptionGroup | None = None, actor: User | None = None
) -> OptionGroup:
    """Create (`group` None) or change a group with all its choices at once: `data` has
    name, min_choices, max_choices, position; `choices` each choice it keeps (name, price_delta,
    available, position, and `id` for an existing one of this group); the group's choices not
    listed are deleted. Raises InvalidInput naming the field (`extra["index"]`: the choice's place
    in `choices`): max below 1, min above max, a choice of another group, a price difference
    outside ±999.99 or taking a dish that offers the group to zero or below. Nothing is written
    then. Locks the group's row, then its dishes' rows (pk order)."""
    _group_checked(data)
    if group is not None:
        group = OptionGroup.objects.select_for_update().get(pk=group.pk)
        dishes = list(MenuItem.objects.select_for_update().filter(option_links__group=group).order_by("pk"))
        current = {choice.pk: choice for choice in group.choices.all()}
    else:
        dishes, current = [], {}
    for index, choice in enumerate(choices):
        if choice.get("id") is not None and choice["id"] not in current:
            raise InvalidInput("This choice belongs to another group.", field="name", extra={"index": index})
    _deltas_checked([choice["price_delta"] for choice in choices], dishes)

    before = audit_snapshot(group) if group else {}
    group = group or OptionGroup()
    for field in GROUP_FIELDS:
        setattr(group, field, data[field])
    group.save()
    changes = audit_changes(before, audit_snapshot(group))
    kept = {choice["id"] for choice in choices if choice.get("id") is not None}
    for pk in sorted(set(current) - kept):
        changes[f"choice {pk}"] = {"before": audit_snapshot(current[pk], fields=list(CHOICE_FIELDS)), "after": None}
        current[pk].delete()
    for choice in choices:
        row = current.get(choice.get("id")) or OptionChoice(group=group)
        was = audit_snapshot(row, fields=list(CHOICE_FIELDS)) if row.pk else None
        for field in CHOICE_FIELDS:
            setattr(row, field, choice[field])
        row.save()
        now = audit_snapshot(row, fields=list(CHOICE_FIELDS))
        if was != now:
            changes[f"choice {row.pk}"] = {"before": was, "after": now}
    if changes:
        audit_record(actor=actor, action="option_group.save", target=group, changes=changes)
    return group


@transaction.atomic
def menu_item_option_groups_set(*, item: MenuItem, groups: list[OptionGroup], actor: User | None = None) -> None:
    """The groups a dish offers, in the groups' order (their position). Raises InvalidInput
    (field `option_groups`, or `price` when the groups are unchanged and the price is what
    changed) when a choice of one would take the dish's price to zero or below. Call it after
    the dish's price is set; writes only when the set of groups changes."""
    groups = sorted(groups, key=lambda group: (group.position, group.pk))
    current = list(MenuItemOptionGroup.objects.filter(menuitem=item).values_list("group_id", flat=True))
    changed = set(current) != {group.pk for group in groups}
    lowest = min(OptionChoice.objects.filter(group__in=groups).values_list("price_delta", flat=True), default=None)
    if lowest is not None and item.price + lowest <= 0:
        raise InvalidInput(
            f"A choice at {lowest} would make {item.title} ({item.price}) cost zero or less: "
            "raise the price or offer other groups.",
            field="option_groups" if changed else "price",
        )
    if not changed:
        return
    MenuItemOptionGroup.objects.filter(menuitem=item).delete()
    MenuItemOptionGroup.objects.bulk_create(
        MenuItemOptionGroup(menuitem=item, group=group, position=index) for index, group in enumerate(groups)
    )
    names = {group.pk: group.name for group in OptionGroup.objects.filter(pk__in=set(current))}
    audit_record(
        actor=actor,
        action="menu_item.option_groups",
        target=item,
        changes={"option_groups": {"before": [names.get(pk) for pk in current], "after": [g.name for g in groups]}},
    )
