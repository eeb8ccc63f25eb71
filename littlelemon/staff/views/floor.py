"""The bookings floor (`/staff/floor/`, managers and admins): a day's timeline of tables and
bookings (`bookings.floor.floor_day`), and the actions of the evening: a booking for a phone
caller, a walk-in (booked from the slot under way and seated at once), seat, complete, no-show,
cancel (`booking_status_change`, the API's service, which holds the clock rules) and a move to
another table or time (`booking_update`, re-checked as a new booking is).

Every form works without JavaScript (POST, then a redirect back to the day); the floor's
container boosts them with htmx, so an action swaps the page in place. A refusal is shown next
to its field, or as a message, and changes nothing.
"""

from datetime import date, datetime, timedelta

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from littlelemon.bookings import services as booking_services
from littlelemon.bookings.enums import ACTIVE_STATUSES, BookingStatus
from littlelemon.bookings.floor import floor_day
from littlelemon.bookings.models import MAX_SEATS, Booking, Table, TableCombination
from littlelemon.bookings.rules import booking_next_statuses
from littlelemon.core.exceptions import ApplicationError
from littlelemon.pages.forms import add_application_error
from littlelemon.restaurant.selectors import restaurant_today, restaurant_tz

from ..access import manager_required

STATUS_ACTIONS = {
    BookingStatus.SEATED: "Seat",
    BookingStatus.COMPLETED: "Complete",
    BookingStatus.NO_SHOW: "No-show",
    BookingStatus.CANCELLED: "Cancel",
}


class TableChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, table: Table) -> str:
        area = f", {table.area}" if table.area else ""
        return f"{table.label} ({table.seats} seats{area})"


def _table_field(*, required: bool) -> TableChoiceField:
    return TableChoiceField(
        queryset=Table.objects.filter(active=True).order_by("area", "label", "id"),
        required=required,
        empty_label="Best free table" if not required else None,
    )


def _combination_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=TableCombination.objects.filter(active=True).order_by("name", "id"),
        required=False,
        empty_label="—",
        label="Or tables together",
        help_text="A combination instead of one table.",
    )


class GuestForm(forms.Form):
    guest_name = forms.CharField(label="Name", max_length=120)
    guest_phone = forms.CharField(label="Phone", max_length=32, required=False)
    party_size = forms.IntegerField(label="Party", min_value=1, max_value=MAX_SEATS, initial=2)
    table = _table_field(required=False)
    notes = forms.CharField(label="Notes", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PhoneBookingForm(GuestForm):
    combination = _combination_field()
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time", "step": 300}))


class MoveForm(forms.Form):
    table = TableChoiceField(
        queryset=Table.objects.filter(active=True).order_by("area", "label", "id"), required=False, empty_label="—"
    )
    combination = _combination_field()
    time = forms.TimeField(
        label="New time",
        required=False,
        help_text="Leave empty to keep the time.",
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("table")) == bool(data.get("combination")):
            self.add_error("table", "Choose a table, or a combination of tables.")
        return data


class CombinationForm(forms.Form):
    name = forms.CharField(max_length=60, help_text='What the staff call it, e.g. "M2+M3".')
    tables = forms.ModelMultipleChoiceField(
        queryset=Table.objects.filter(active=True).order_by("area", "label", "id"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the tables that go together."},
    )
    active = forms.BooleanField(required=False, initial=True, help_text="Offer it for parties no table seats.")


def _day_from(value: str | None) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return restaurant_today()


def _local(day: date, moment) -> datetime:
    return datetime.combine(day, moment, tzinfo=restaurant_tz())


def _floor_url(day: date) -> str:
    return f"{reverse('staff:floor')}?date={day.isoformat()}"


def _render_floor(request: HttpRequest, day: date, *, phone_form=None, walk_in_form=None) -> HttpResponse:
    """The floor page; with a refused form, that form bound with its errors (a 200, so that htmx swaps it in)."""
    floor = floor_day(day=day)
    today = restaurant_today()
    context = {
        "floor": floor,
        "today": today,
        "is_today": day == today,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "phone_form": phone_form or PhoneBookingForm(initial={"day": day, "party_size": 2}),
        "walk_in_form": walk_in_form or GuestForm(prefix="walk_in", initial={"party_size": 2}),
        "entries": [
            (
                booking,
                floor.combination_names.get(booking.combination_id) or booking.table.label,
                [(status, STATUS_ACTIONS[status]) for status in floor.next_statuses[booking.pk]],
            )
            for booking in floor.bookings
        ],
    }
    return render(request, "staff/floor/floor.html", context)


@manager_required
@require_GET
def floor(request: HttpRequest) -> HttpResponse:
    """The day's timeline (`?date=YYYY-MM-DD`, today by default), its list, and the forms."""
    return _render_floor(request, _day_from(request.GET.get("date")))


@manager_required
@require_POST
def floor_booking_new(request: HttpRequest) -> HttpResponse:
    """A booking taken by phone: the guest's name and phone, no account."""
    form = PhoneBookingForm(request.POST)
    day = _day_from(request.POST.get("day"))
    if form.is_valid():
        data = form.cleaned_data
        day = data["day"]
        try:
            booking = booking_services.booking_create(
                actor=request.user,
                start=_local(day, data["time"]),
                party_size=data["party_size"],
                guest_name=data["guest_name"],
                guest_phone=data["guest_phone"],
                table=data["table"],
                combination=data["combination"],
                notes=data["notes"],
            )
        except ApplicationError as error:
            add_application_error(form, error, field="time")
        else:
            messages.success(request, f"Booked {booking.guest_name}, {booking.party_size} at {booking.table.label}.")
            return redirect(_floor_url(day))
    return _render_floor(request, day, phone_form=form)


@manager_required
@require_POST
def floor_walk_in(request: HttpRequest) -> HttpResponse:
    """A party at the door: booked now and seated at once."""
    form = GuestForm(request.POST, prefix="walk_in")
    if form.is_valid():
        try:
            booking = booking_services.booking_walk_in(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error, field="guest_name")
        else:
            messages.success(request, f"{booking.guest_name}, {booking.party_size}: seated at {booking.table.label}.")
            return redirect(_floor_url(restaurant_today()))
    return _render_floor(request, restaurant_today(), walk_in_form=form)


def _booking_or_404(booking_id: int) -> Booking:
    return get_object_or_404(Booking.objects.select_related("table", "customer", "combination"), pk=booking_id)


def _booking_day(booking: Booking) -> date:
    return booking.start.astimezone(restaurant_tz()).date()


@manager_required
@require_http_methods(["GET", "POST"])
def floor_booking(request: HttpRequest, booking_id: int) -> HttpResponse:
    """One booking: its details, the status buttons the clock allows now, and the move form
    (POST: move it to another table, and to another time that day if given)."""
    booking = _booking_or_404(booking_id)
    day = _booking_day(booking)
    initial = {"combination": booking.combination_id} if booking.combination_id else {"table": booking.table_id}
    form = MoveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        place = "table" if form.cleaned_data["table"] else "combination"
        data = {place: form.cleaned_data[place]}
        if form.cleaned_data["time"] is not None:
            data["start"] = _local(day, form.cleaned_data["time"])
        try:
            moved = booking_services.booking_update(booking=booking, actor=request.user, data=data)
        except ApplicationError as error:
            add_application_error(form, error, field="time" if error.field == "start" else place)
        else:
            where = moved.combination.name if moved.combination_id else moved.table.label
            when = moved.start.astimezone(restaurant_tz())
            messages.success(request, f"{moved.name} moved to {where} at {when:%H:%M}.")
            return redirect(_floor_url(_booking_day(moved)))
    context = {
        "booking": booking,
        "day": day,
        "form": form,
        "movable": booking.status in ACTIVE_STATUSES,
        "actions": [
            (status, STATUS_ACTIONS[status]) for status in booking_next_statuses(booking=booking, now=timezone.now())
        ],
    }
    return render(request, "staff/floor/booking.html", context)


@manager_required
@require_POST
def floor_booking_status(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Seat, complete, no-show or cancel, as the service (and its clock) allows; back to the day."""
    booking = _booking_or_404(booking_id)
    target = request.POST.get("status", "")
    if target not in STATUS_ACTIONS:
        messages.error(request, "Choose what happened to the booking.")
    else:
        try:
            booking = booking_services.booking_status_change(booking=booking, actor=request.user, status=target)
        except ApplicationError as error:
            messages.error(request, f"{booking.name}: {error.message}")
        else:
            messages.success(request, f"{booking.name}: {booking.get_status_display().lower()}.")
    return redirect(_floor_url(_booking_day(booking)))


@manager_required
@require_http_methods(["GET", "POST"])
def floor_combinations(request: HttpRequest) -> HttpResponse:
    """The table combinations, and a form to add one."""
    form = CombinationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            combination = booking_services.combination_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"Combination {combination.name} added.")
            return redirect("staff:floor_combinations")
    combinations = TableCombination.objects.prefetch_related("tables").order_by("name", "id")
    return render(request, "staff/floor/combinations.html", {"combinations": combinations, "form": form})


@manager_required
@require_http_methods(["GET", "POST"])
def floor_combination(request: HttpRequest, combination_id: int) -> HttpResponse:
    """Rename a combination, change its tables, or stop offering it."""
    combination = get_object_or_404(TableCombination.objects.prefetch_related("tables"), pk=combination_id)
    initial = {"name": combination.name, "tables": list(combination.tables.all()), "active": combination.active}
    form = CombinationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            booking_services.combination_update(actor=request.user, combination=combination, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"Combination {form.cleaned_data['name']} saved.")
            return redirect("staff:floor_combinations")
    return render(request, "staff/floor/combination.html", {"combination": combination, "form": form})
