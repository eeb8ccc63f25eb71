"""The kitchen display (/staff/kitchen/, kitchen and managers) and the stations it can be set
to (/staff/kitchen/stations/, managers).

The board is a fragment (`kitchen_board`) re-fetched live (`{% live_trigger "orders" %}`) with a
weak ETag; a bump or a recall calls `orders.transitions.order_status_change` (the API's
service) and answers htmx with the fresh fragment, a plain form with a redirect back. The
screen's station is a cookie (`kitchen_station`), so each screen remembers its own.
"""

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from littlelemon.core import stamps
from littlelemon.core.conditional import etag_for, not_modified, set_cache_headers
from littlelemon.core.exceptions import ApplicationError
from littlelemon.kitchen import selectors as kitchen_selectors
from littlelemon.kitchen import services as kitchen_services
from littlelemon.kitchen.models import MAX_NAME_LENGTH, Station
from littlelemon.menu.models import Category
from littlelemon.orders import lifecycle, transitions
from littlelemon.orders.enums import OrderStatus
from littlelemon.pages.forms import add_application_error
from littlelemon.pages.http import htmx_fragment

from ..access import kitchen_required, manager_required

S = OrderStatus
STATION_COOKIE = "kitchen_station"
STATION_COOKIE_MAX_AGE = 400 * 24 * 3600  # as long as browsers keep a cookie
# The board depends on the clock too (scheduled orders coming up, recall windows closing): its
# ETag changes every this many seconds, and the page re-fetches it at least as often.
BOARD_TICK_SECONDS = 30
# The kitchen's way forward: the step a bump makes from each status.
BUMPS = {S.PLACED: S.ACCEPTED, S.ACCEPTED: S.PREPARING, S.PREPARING: S.READY}
BUMP_LABELS = {S.ACCEPTED: "Accept", S.PREPARING: "Start", S.READY: "Ready"}


def _station(request: HttpRequest) -> tuple[int, frozenset[int]] | None:
    return kitchen_selectors.station_categories(request.COOKIES.get(STATION_COOKIE))


@dataclass(frozen=True)
class Card:
    """A ticket as this user sees it: the buttons they may use (the services decide anyway)."""

    ticket: kitchen_selectors.Ticket
    bump: OrderStatus | None  # where one tap moves the order, if this user may
    bump_label: str
    recall: OrderStatus | None  # where a recall takes it, while its window is open


def _card(ticket: kitchen_selectors.Ticket, user, now: datetime) -> Card:
    allowed = lifecycle.transitions_for(ticket.order, user, now=now)
    bump = BUMPS.get(OrderStatus(ticket.order.status))
    recall = lifecycle.recall_target(ticket.order)
    return Card(
        ticket=ticket,
        bump=bump if bump in allowed else None,
        bump_label=BUMP_LABELS.get(bump, ""),
        recall=recall if recall in allowed else None,
    )


def _board_context(request: HttpRequest, station: tuple[int, frozenset[int]] | None) -> dict:
    now = timezone.now()
    board = kitchen_selectors.kitchen_board(now=now, categories=station[1] if station else None)
    return {
        "cards": [_card(ticket, request.user, now) for ticket in board.tickets],
        "recent": [_card(ticket, request.user, now) for ticket in board.recent],
        "station_id": station[0] if station else None,
        "age_warning_minutes": settings.KITCHEN_AGE_WARNING_MINUTES,
        "age_late_minutes": settings.KITCHEN_AGE_LATE_MINUTES,
    }


def _board_etag(request: HttpRequest, station: tuple[int, frozenset[int]] | None) -> str | None:
    """From the orders (with their items and timelines), the names on them, the menu (dishes'
    allergens), the user and their roles, the screen's station and the clock's tick. None where
    the database has no stamps."""
    user_id = request.user.pk
    version = stamps.stamps_read(("orders", "people", f"user:{user_id}", "roles"), menu=True)
    if version is None:
        return None
    tick = int(timezone.now().timestamp()) // BOARD_TICK_SECONDS
    bucket = (tick, station[0] if station else None, tuple(sorted(station[1])) if station else ())
    return etag_for(request, version, user_id=user_id, bucket=bucket, weak=True)


@kitchen_required
@require_GET
def kitchen(request: HttpRequest) -> HttpResponse:
    """The whole display: the station picker, the shift controls, and the board."""
    station = _station(request)
    context = _board_context(request, station)
    stations = kitchen_selectors.station_choices()
    current = next((s for s in stations if station and s.pk == station[0]), None)
    return render(
        request,
        "staff/kitchen.html",
        {**context, "stations": stations, "station": current, "tick_seconds": BOARD_TICK_SECONDS},
    )


@kitchen_required
@require_GET
def kitchen_board(request: HttpRequest) -> HttpResponseBase:
    """The board fragment, re-fetched live: 304 while the client's ETag still holds."""
    station = _station(request)
    etag = _board_etag(request, station)
    if etag is not None:
        response = not_modified(request, etag, public=False)
        if response is not None:
            return response
    response = render(request, "staff/partials/kitchen_board.html", _board_context(request, station))
    return response if etag is None else set_cache_headers(response, etag, public=False)


@kitchen_required
@require_POST
def kitchen_order_status(request: HttpRequest, order_id: int) -> HttpResponse:
    """A bump or a recall: `status` is where the order goes. htmx: the fresh board (with the
    service's refusal as a message); a plain form: back to the display."""
    error = None
    try:
        transitions.order_status_change(order=order_id, actor=request.user, status=request.POST.get("status", ""))
    except ApplicationError as refusal:
        error = refusal.message
    if htmx_fragment(request):
        context = _board_context(request, _station(request))
        return render(request, "staff/partials/kitchen_board.html", {**context, "posted": True, "error": error})
    if error:
        messages.error(request, error)
    return redirect("staff:kitchen")


@kitchen_required
@require_POST
def kitchen_station_choose(request: HttpRequest) -> HttpResponse:
    """Set this screen's station (a cookie); an unknown one, or none, means every dish."""
    response = redirect("staff:kitchen")
    station = kitchen_selectors.station_categories(request.POST.get("station"))
    if station is None:
        response.delete_cookie(STATION_COOKIE)
    else:
        response.set_cookie(
            STATION_COOKIE,
            str(station[0]),
            max_age=STATION_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


class StationForm(forms.Form):
    name = forms.CharField(max_length=MAX_NAME_LENGTH)
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The dishes of these categories show on a screen set to this station.",
        error_messages={"required": "Choose at least one menu category for the station."},
    )
    position = forms.IntegerField(
        min_value=0, max_value=kitchen_services.MAX_POSITION, initial=0, help_text="Lower comes first."
    )


@manager_required
@require_http_methods(["GET", "POST"])
def stations(request: HttpRequest) -> HttpResponse:
    """The stations, and a form to add one."""
    form = StationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            station = kitchen_services.station_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"Station “{station.name}” added.")
            return redirect("staff:kitchen_stations")
    return render(request, "staff/stations.html", {"stations": kitchen_selectors.station_list(), "form": form})


@manager_required
@require_http_methods(["GET", "POST"])
def station_edit(request: HttpRequest, station_id: int) -> HttpResponse:
    station = get_object_or_404(Station.objects.prefetch_related("categories"), pk=station_id)
    initial = {"name": station.name, "categories": list(station.categories.all()), "position": station.position}
    form = StationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            kitchen_services.station_update(actor=request.user, station=station, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"Station “{form.cleaned_data['name']}” saved.")
            return redirect("staff:kitchen_stations")
    return render(request, "staff/station_edit.html", {"station": station, "form": form})


@manager_required
@require_http_methods(["GET", "POST"])
def station_delete(request: HttpRequest, station_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    station = get_object_or_404(Station, pk=station_id)
    if request.method == "POST":
        try:
            kitchen_services.station_delete(actor=request.user, station=station)
        except ApplicationError as error:  # pragma: no cover - the decorator already refused non-managers
            raise PermissionDenied(error.message) from None
        messages.success(request, f"Station “{station.name}” deleted.")
        return redirect("staff:kitchen_stations")
    return render(request, "staff/station_delete.html", {"station": station})
