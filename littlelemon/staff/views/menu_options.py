"""The option groups (/staff/menu/options/, managers and admins): the list, and a group's page
with its choices as one formset, saved whole through `menu.option_groups.option_group_save`
(the groups a dish offers are ticked on the dish's page). Works without JavaScript: a save gives
three more blank rows for new choices."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from littlelemon.core.exceptions import ApplicationError
from littlelemon.menu import selectors as menu_selectors
from littlelemon.menu.option_groups import option_group_save

from ..access import manager_required
from ..menu_forms import OptionChoiceFormSet, OptionGroupForm
from .menu import _add_errors


@manager_required
@require_GET
def option_groups(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/menu/options.html", {"groups": menu_selectors.option_group_list()})


def _choice_rows(group, data=None) -> OptionChoiceFormSet:
    initial = (
        [
            {"id": c.pk, "name": c.name, "price_delta": c.price_delta, "available": c.available, "position": c.position}
            for c in group.choices.all()
        ]
        if group is not None
        else []
    )
    return OptionChoiceFormSet(data, initial=initial, prefix="choices")


@manager_required
@require_http_methods(["GET", "POST"])
def option_group_edit(request: HttpRequest, group_id: int | None = None) -> HttpResponse:
    """Add a group (no `group_id`) or change one with its choices; a refused value is shown next
    to its field (a choice's next to the choice) and nothing is saved."""
    group = get_object_or_404(menu_selectors.option_group_list(), pk=group_id) if group_id is not None else None
    initial = {field: getattr(group, field) for field in OptionGroupForm.base_fields} if group else None
    form = OptionGroupForm(request.POST or None, initial=initial)
    choices = _choice_rows(group, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() & choices.is_valid():
        try:
            saved = option_group_save(
                group=group, data=form.service_data(), choices=choices.choices(), actor=request.user
            )
        except ApplicationError as error:
            _add_errors(form, error, choices)
        else:
            messages.success(request, f"Option group “{saved.name}” saved.")
            return redirect(f"{reverse('staff:menu_options')}#group-{saved.pk}")
    context = {"form": form, "choices": choices, "group": group}
    return render(request, "staff/menu/option_group_form.html", context)
