"""A meal deal's slots (/staff/menu/dishes/<id>/slots/..., managers and admins): a slot with the
dishes it offers and their supplements, one formset saved whole through
`menu.combo_slots.combo_slot_save`; the slots are listed on the meal deal's page. Works without
JavaScript: a save gives three more blank rows for dishes."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from littlelemon.core.exceptions import ApplicationError
from littlelemon.menu import selectors as menu_selectors
from littlelemon.menu.combo_slots import combo_slot_delete, combo_slot_save

from ..access import manager_required
from ..menu_forms import ComboOfferFormSet, ComboSlotForm
from .menu import _add_errors


def _slots_url(item) -> str:
    return f"{reverse('staff:menu_dish_edit', args=[item.pk])}#slots"


def _offer_rows(slot, data=None) -> ComboOfferFormSet:
    initial = (
        [{"menuitem": o.menuitem_id, "supplement": o.supplement, "position": o.position} for o in slot.options.all()]
        if slot is not None
        else []
    )
    dishes = menu_selectors.combo_component_choices()
    return ComboOfferFormSet(data, initial=initial, prefix="offers", form_kwargs={"dishes": dishes})


@manager_required
@require_http_methods(["GET", "POST"])
def combo_slot_edit(request: HttpRequest, item_id: int, slot_id: int | None = None) -> HttpResponse:
    """Add a slot to a meal deal (no `slot_id`) or change one with the dishes it offers; a refused
    value is shown next to its field (an offer's next to the offer) and nothing is saved."""
    item = get_object_or_404(menu_selectors.menu_item_list_all(), pk=item_id)
    slot = get_object_or_404(menu_selectors.combo_slot_list(combo=item), pk=slot_id) if slot_id is not None else None
    initial = {"name": slot.name, "position": slot.position} if slot else None
    form = ComboSlotForm(request.POST or None, initial=initial)
    offers = _offer_rows(slot, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() & offers.is_valid():
        try:
            saved = combo_slot_save(
                combo=item, slot=slot, data=form.cleaned_data, offers=offers.offers(), actor=request.user
            )
        except ApplicationError as error:
            _add_errors(form, error, offers)
        else:
            messages.success(request, f"“{saved.name}” of {item.title} saved.")
            return redirect(_slots_url(item))
    context = {"form": form, "offers": offers, "item": item, "slot": slot}
    return render(request, "staff/menu/combo_slot_form.html", context)


@manager_required
@require_POST
def combo_slot_remove(request: HttpRequest, item_id: int, slot_id: int) -> HttpResponse:
    item = get_object_or_404(menu_selectors.menu_item_list_all(), pk=item_id)
    slot = get_object_or_404(menu_selectors.combo_slot_list(combo=item), pk=slot_id)
    combo_slot_delete(slot=slot, actor=request.user)
    messages.success(request, f"“{slot.name}” removed from {item.title}.")
    return redirect(_slots_url(item))
