"""Booking a table, and the customer's bookings (change, cancel).

The booking page is two forms: a GET form (date, party size) whose answer lists the free times
(`availability_for`), and a POST form that books the chosen one (`booking_create`). Without
JavaScript "Show free times" reloads the page; with htmx the times change in place as the date
or party size does. A time taken a moment ago is refused by the service (it re-checks inside a
transaction); the page then says so and lists the times still free, keeping the notes.

Changing a booking is the same page for that booking (`booking_update`; its own table counts as
free), while the booking rules let the customer change it (`booking_changeable_by_customer`,
the rule the services enforce), as is cancelling it.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from littlelemon.bookings import selectors as booking_selectors
from littlelemon.bookings import services as booking_services
from littlelemon.bookings.enums import ACTIVE_STATUSES
from littlelemon.bookings.exceptions import PartyTooLarge, TableUnavailable
from littlelemon.bookings.models import Booking
from littlelemon.bookings.rules import BookingRules, booking_changeable_by_customer
from littlelemon.core.exceptions import ApplicationError
from littlelemon.pages.forms import add_application_error, day_label, time_label, when_label
from littlelemon.pages.http import htmx_fragment, run_and_say

from ..forms import BookingForm, BookingSearchForm
from ..info import restaurant_info_for

DEFAULT_PARTY_SIZE = 2
EARLIER_BOOKINGS_SHOWN = 10


def _booking_rules(request: HttpRequest) -> BookingRules:
    """The booking rules from what the page already read (settings, schedule): no query."""
    info = restaurant_info_for(request)
    return BookingRules(settings=info.settings, schedule=info.schedule, now=info.now)


def _search(request: HttpRequest, rules: BookingRules, *, day: date, party_size: int) -> BookingSearchForm:
    """The date and party size asked for (GET), else those given."""
    data = {"date": request.GET.get("date") or f"{day:%Y-%m-%d}", "party_size": request.GET.get("party_size")}
    data["party_size"] = data["party_size"] or str(min(party_size, rules.settings.booking_max_party_size))
    return BookingSearchForm(data, rules=rules)


def _day_phrase(day: date, today: date) -> str:
    """ "today", "tomorrow", "on Wednesday 3 June"."""
    name = day_label(day, today)
    return name.lower() if day <= today + timedelta(days=1) else f"on {name}"


def _slots(search: BookingSearchForm, *, exclude: int | None = None) -> dict:
    """The free times for a valid search (else none), grouped for the page."""
    if not search.is_valid():
        return {"slots": None}
    day, party_size = search.cleaned_data["date"], search.cleaned_data["party_size"]
    try:
        availability = booking_selectors.availability_for(
            day=day, party_size=party_size, now=search.rules.now, exclude=exclude
        )
    except PartyTooLarge as error:
        add_application_error(search, error)
        return {"slots": None}
    return {
        "slots": [
            (slot.start, timezone.localtime(slot.start).isoformat(), time_label(slot.start))
            for slot in availability.slots
        ],
        "day": day,
        "day_phrase": _day_phrase(day, search.rules.today),
        "party_size": party_size,
    }


def _render(request: HttpRequest, search: BookingSearchForm, form: BookingForm, *, booking: Booking | None = None):
    context = {
        "search": search,
        "form": form,
        "booking": booking,
        **_slots(search, exclude=getattr(booking, "pk", None)),
    }
    if request.method == "GET" and htmx_fragment(request):
        response = render(request, "web/partials/booking_slots.html", context)
    else:
        response = render(request, "web/booking.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _submit(request: HttpRequest, rules: BookingRules, *, booking: Booking | None = None):
    """POST: book (or change `booking`). Returns a redirect, or the page again with the refusal."""
    form = BookingForm(request.POST)
    day = rules.today
    if form.is_valid():
        start, party_size = form.cleaned_data["start"], form.cleaned_data["party_size"]
        day = timezone.localtime(start).date()
        try:
            if booking is None:
                made = booking_services.booking_create(actor=request.user, now=rules.now, **form.cleaned_data)
            else:
                made = booking_services.booking_update(
                    booking=booking, actor=request.user, data=form.cleaned_data, now=rules.now
                )
        except TableUnavailable:
            form.add_error(
                "start",
                f"Sorry, {time_label(start)} was taken a moment ago. The times still free are below: choose another.",
            )
        except ApplicationError as error:
            add_application_error(form, error, field="start")
        else:
            when = when_label(made.start, rules.today)
            people = f"{made.party_size} {'person' if made.party_size == 1 else 'people'}"
            if booking is None:
                messages.success(request, f"Your table for {people} is booked: {when}. See you then!")
            else:
                messages.success(request, f"Your booking is changed: {people}, {when}.")
            return redirect("web:bookings")
    party_size = form.cleaned_data.get("party_size") or (booking.party_size if booking else DEFAULT_PARTY_SIZE)
    search = BookingSearchForm({"date": f"{day:%Y-%m-%d}", "party_size": str(party_size)}, rules=rules)
    return _render(request, search, form, booking=booking)


@require_http_methods(["GET", "POST"])
def booking(request: HttpRequest) -> HttpResponse:
    rules = _booking_rules(request)
    if request.method == "POST":
        if not request.user.is_authenticated:
            messages.info(request, "Log in or sign up to book a table.")
            return redirect("web:login")
        return _submit(request, rules)
    search = _search(request, rules, day=rules.today, party_size=DEFAULT_PARTY_SIZE)
    party_size = search.data["party_size"]
    return _render(request, search, BookingForm(initial={"party_size": party_size}))


def _own_booking(request: HttpRequest, booking_id: int) -> Booking:
    booking = (
        booking_selectors.booking_list_visible_to(user=request.user)
        .filter(customer=request.user, pk=booking_id)
        .first()
    )
    if booking is None:
        raise Http404("No such booking.")
    return booking


@login_required
@require_http_methods(["GET", "POST"])
def booking_change(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _own_booking(request, booking_id)
    rules = _booking_rules(request)
    if request.method == "POST":
        return _submit(request, rules, booking=booking)
    local_start = timezone.localtime(booking.start)
    search = _search(request, rules, day=local_start.date(), party_size=booking.party_size)
    form = BookingForm(
        initial={"start": local_start.isoformat(), "party_size": search.data["party_size"], "notes": booking.notes}
    )
    return _render(request, search, form, booking=booking)


@login_required
@require_POST
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _own_booking(request, booking_id)
    run_and_say(
        request,
        lambda: booking_services.booking_cancel(booking=booking, actor=request.user),
        lambda _: f"Your booking for {when_label(booking.start, _booking_rules(request).today)} is cancelled.",
    )
    return redirect("web:bookings")


@login_required
@require_GET
def bookings(request: HttpRequest) -> HttpResponse:
    """The customer's own bookings: those to come (change, cancel), then the latest earlier ones."""
    rules = _booking_rules(request)
    mine = booking_selectors.booking_list_visible_to(user=request.user).filter(customer=request.user)
    upcoming = list(mine.filter(status__in=ACTIVE_STATUSES, end__gt=rules.now))
    earlier = mine.exclude(status__in=ACTIVE_STATUSES, end__gt=rules.now).order_by("-start", "-id")
    earlier = earlier[:EARLIER_BOOKINGS_SHOWN]
    for item in upcoming:
        item.changeable = booking_changeable_by_customer(booking=item, settings=rules.settings, now=rules.now)
    return render(
        request,
        "web/bookings.html",
        {
            "upcoming": upcoming,
            "earlier": earlier,
            "today": rules.today,
            "cutoff": rules.settings.booking_cancellation_cutoff_minutes,
        },
    )
