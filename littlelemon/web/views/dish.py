"""A dish's page: its option groups (radio buttons for "pick one", checkboxes otherwise, each
group a fieldset with a legend) or, for a combo, a dish for each slot with that dish's own
options; and "Add to cart" with what was chosen.

The form posts to `dish_add` and works without JavaScript: the server checks the choices
(`cart.services.cart_item_add`, through `menu.options.selection_price`) and, when they break a
rule, shows the page again (400) with the message next to the group or slot ("Choose a size for
...", "Up to 3 extras for ...") and what was chosen still chosen. static/web/options.js only
updates the price shown as choices change.

Input names: a group's choices are `group_<group id>` (its radio buttons or checkboxes); a
combo's slot is `slot_<slot id>` (a dish id) and that dish's choices
`slot_<slot id>_<dish id>_group_<group id>`.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from littlelemon.core.exceptions import ApplicationError
from littlelemon.core.models import MAX_ID
from littlelemon.menu import selectors as menu_selectors
from littlelemon.menu.models import MenuItem, OptionGroup
from littlelemon.menu.options import OptionCatalog, catalog_load
from littlelemon.recommendations import selectors as recommendations

from ..cart import cart_for
from ..forms import CartAddForm
from .cart import guest_cart_throttled
from .pages import RECOMMENDED, _timed


@dataclass
class Chosen:
    """What the form chose (empty on a first visit)."""

    choices: set[int] = field(default_factory=set)
    slots: dict[int, int | None] = field(default_factory=dict)  # slot id -> dish id
    slot_choices: dict[tuple[int, int], set[int]] = field(default_factory=dict)  # (slot, dish) -> choice ids
    quantity: str = "1"


def _ids(values: list[str]) -> list[int]:
    """The ids the form sent (anything not a positive number is dropped: the inputs are ours)."""
    return [int(value) for value in values if value.isdigit() and 0 < int(value) <= MAX_ID]


def _group_view(group: OptionGroup, *, name: str, chosen: set[int], errors: dict, error_key: str) -> dict:
    return {
        "id": group.pk,
        "name": name,
        "dom_id": name.replace("_", "-"),
        "title": group.name,
        "single": group.single,
        "required": group.required,
        "min": group.min_choices,
        "max": group.max_choices,
        "error": errors.get(error_key, ""),
        "choices": [
            {
                "id": choice.pk,
                "name": choice.name,
                "delta": choice.price_delta,
                "available": choice.available,
                "checked": choice.pk in chosen,
            }  # fmt: skip
            for choice in group.choice_list
        ],
    }


def _form_view(catalog: OptionCatalog, item: MenuItem, chosen: Chosen, errors: dict) -> dict:
    """The groups and slots as the template draws them, with what is chosen and the errors."""
    groups = [
        _group_view(
            group, name=f"group_{group.pk}", chosen=chosen.choices, errors=errors, error_key=f"group_{group.pk}"
        )
        for group in catalog.groups_of(item)
    ]
    slots = []
    for slot in catalog.slots_of(item):
        offers = []
        for offer in slot.offers:
            picked = chosen.slot_choices.get((slot.pk, offer.menuitem_id), set())
            prefix = f"slot_{slot.pk}_{offer.menuitem_id}"
            offers.append(
                {
                    "dish": offer.menuitem,
                    "supplement": offer.supplement,
                    "checked": chosen.slots.get(slot.pk) == offer.menuitem_id,
                    "dom_id": prefix.replace("_", "-"),
                    "groups": [
                        _group_view(group, name=f"{prefix}_group_{group.pk}", chosen=picked, errors={}, error_key="")
                        for group in catalog.groups.get(offer.menuitem_id, [])
                    ],
                }
            )
        slots.append({"id": slot.pk, "name": slot.name, "error": errors.get(f"slot_{slot.pk}", ""), "offers": offers})
    return {"groups": groups, "slots": slots}


def _item(slug: str) -> MenuItem:
    """The dish, marked with whether it is served now and from when (menu.selectors.menu_items_timed)."""
    return _timed([get_object_or_404(menu_selectors.menu_item_list(), slug=slug)])[0]


def _catalog(item: MenuItem) -> OptionCatalog:
    """The dish's groups and slots: a fixed number of queries whatever their number (none for a
    dish without options)."""
    return catalog_load([item]) if (getattr(item, "has_options", False) or item.is_combo) else OptionCatalog()


def _page(request: HttpRequest, item: MenuItem, catalog: OptionCatalog, *, chosen: Chosen, errors: dict, status=200):
    pairs = recommendations.pairs_well_with(
        item.pk, user=request.user, cart=cart_for(request).dish_ids, limit=RECOMMENDED
    )
    context = {
        "item": item,
        "pairs": pairs,
        "chosen": chosen,
        "option_errors": errors,
        **_form_view(catalog, item, chosen, errors),
    }
    return render(request, "web/dish.html", context, status=status)


@require_GET
def dish(request: HttpRequest, slug: str) -> HttpResponse:
    item = _item(slug)
    return _page(request, item, _catalog(item), chosen=Chosen(), errors={})


def _chosen(data: QueryDict, item: MenuItem, catalog: OptionCatalog) -> Chosen:
    chosen = Chosen(quantity=data.get("quantity", "1"))
    for group in catalog.groups_of(item):
        chosen.choices.update(_ids(data.getlist(f"group_{group.pk}")))
    for slot in catalog.slots_of(item):
        offered = {offer.menuitem_id for offer in slot.offers}
        [dish_id] = _ids(data.getlist(f"slot_{slot.pk}")[:1]) or [None]
        chosen.slots[slot.pk] = dish_id
        if dish_id in offered:
            prefix = f"slot_{slot.pk}_{dish_id}"
            picked = (_ids(data.getlist(f"{prefix}_group_{group.pk}")) for group in catalog.groups.get(dish_id, []))
            chosen.slot_choices[(slot.pk, dish_id)] = {choice for choices in picked for choice in choices}
    return chosen


def _slots_asked(item: MenuItem, chosen: Chosen) -> list[dict] | None:
    if not item.is_combo:
        return None
    return [
        {"slot": slot_id, "dish": dish_id, "choices": sorted(chosen.slot_choices.get((slot_id, dish_id), set()))}
        for slot_id, dish_id in chosen.slots.items()
        if dish_id is not None
    ]


@require_POST
def dish_add(request: HttpRequest, slug: str) -> HttpResponse:
    item = _item(slug)
    catalog = _catalog(item)
    chosen = _chosen(request.POST, item, catalog)
    form = CartAddForm({"menuitem": item.pk, "quantity": chosen.quantity or 1})
    if not form.is_valid():
        errors = {"quantity": "Enter a whole number from 1 to 99."}
        return _page(request, item, catalog, chosen=chosen, errors=errors, status=400)
    throttled = guest_cart_throttled(request)  # a visitor's first add makes their guest cart
    if throttled is not None:
        return throttled
    try:
        added, in_cart = cart_for(request).add(
            menuitem_id=item.pk,
            quantity=form.cleaned_data["quantity"],
            choices=sorted(chosen.choices),
            slots=_slots_asked(item, chosen),
        )
    except ApplicationError as error:
        errors = {_error_place(error): error.message}
        return _page(request, item, catalog, chosen=chosen, errors=errors, status=400)
    messages.success(request, f"{added.title} is in your cart ({in_cart}).")
    return redirect("web:cart")


def _error_place(error: ApplicationError) -> str:
    """Where the page shows an error: next to its group (`group_<id>`) or slot (`slot_<id>`),
    else above the button (`form`)."""
    if (error.field or "").startswith("slot_"):
        return error.field
    if error.field == "choices" and "group" in error.extra:
        return f"group_{error.extra['group']}"
    return "form"
