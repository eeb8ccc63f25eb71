"""The restaurant settings screen (/staff/settings/, managers and admins): the restaurant's
name, contact and currency, order and booking rules, the week's opening hours and the closures.

Each form posts on its own and writes through `restaurant.services` (audited); a refusal shows
next to its field and nothing is saved. The time zone is the deployment's (settings.TIME_ZONE),
shown read-only. The order rules include the auto-reject minutes that orders/housekeeping.py reads.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from littlelemon.core.exceptions import ApplicationError
from littlelemon.pages.forms import add_application_error
from littlelemon.restaurant import selectors as restaurant_selectors
from littlelemon.restaurant import services as restaurant_services
from littlelemon.restaurant.models import Closure

from ..access import manager_required
from ..restaurant_forms import ClosureForm, OpeningRangeFormSet, RestaurantSettingsForm


def _hours_formset(data=None) -> OpeningRangeFormSet:
    initial = [
        {"weekday": hours.weekday, "opens": hours.opens, "closes": hours.closes}
        for hours in restaurant_selectors.opening_hours_list()
    ]
    return OpeningRangeFormSet(data, initial=initial, prefix="hours")


def _page(request: HttpRequest, *, form=None, hours=None, closure_form=None, status: int = 200) -> HttpResponse:
    restaurant = restaurant_selectors.restaurant_settings_get()
    context = {
        "form": form or RestaurantSettingsForm(instance=restaurant),
        "hours": hours or _hours_formset(),
        "closure_form": closure_form or ClosureForm(),
        "closures": restaurant_selectors.closure_list().filter(date__gte=restaurant_selectors.restaurant_today()),
        "time_zone": settings.TIME_ZONE,
    }
    return render(request, "staff/restaurant/settings.html", context, status=status)


@manager_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """GET shows every form; POST saves the restaurant's details and its order and booking rules."""
    if request.method == "GET":
        return _page(request)
    restaurant = restaurant_selectors.restaurant_settings_get()
    form = RestaurantSettingsForm(request.POST, instance=restaurant)
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            restaurant_services.restaurant_settings_update(data=data, actor=request.user)
        except ApplicationError as error:
            add_application_error(form, error)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, "Settings saved.")
            return redirect("staff:settings")
    form.instance = restaurant_selectors.restaurant_settings_get()  # the page shows what is saved
    return _page(request, form=form, status=400)


@manager_required
@require_POST
def opening_hours(request: HttpRequest) -> HttpResponse:
    """The week's opening hours as one formset: saved whole, or not at all."""
    formset = _hours_formset(request.POST)
    if formset.is_valid():
        kept = formset.kept_forms()
        try:
            restaurant_services.opening_hours_replace(ranges=formset.ranges(), actor=request.user)
        except ApplicationError as error:
            index = (error.extra or {}).get("index")
            target = kept[index] if index is not None and index < len(kept) else None
            if target is not None:
                add_application_error(target, error)
            else:
                messages.error(request, error.message)
        else:
            messages.success(request, "Opening hours saved.")
            return redirect("staff:settings")
    return _page(request, hours=formset, status=400)


@manager_required
@require_POST
def closures(request: HttpRequest) -> HttpResponse:
    """Add a closure: a date (today or later) and the reason customers read."""
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            closure = restaurant_services.closure_create(
                date=form.cleaned_data["date"], reason=form.cleaned_data["reason"], actor=request.user
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"Closed on {closure.date:%A %-d %B %Y}.")
            return redirect("staff:settings")
    return _page(request, closure_form=form, status=400)


@manager_required
@require_POST
def closure_delete(request: HttpRequest, closure_id: int) -> HttpResponse:
    closure = get_object_or_404(Closure, pk=closure_id)
    restaurant_services.closure_delete(closure=closure, actor=request.user)
    messages.success(request, f"{closure.date:%A %-d %B %Y} is no longer a closure.")
    return redirect("staff:settings")
