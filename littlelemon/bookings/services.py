"""Writes to tables and bookings. Every change goes through here (API, admin, demo data).

Locks are always taken in the same order, so two writers never wait on each other in a cycle:
the booking row, then the customer's user row, then tables in primary-key order. On SQLite
the IMMEDIATE transactions (settings) serialise writers instead, and `select_for_update()` is
a no-op. Behind the services, the database refuses two overlapping active bookings on one
table (migration 0002); a violation that slips past the re-check surfaces as TableUnavailable.

Every change to a booking (create, update, cancel, status) is recorded in the audit trail
(`booking.create`, `booking.update`, `booking.cancel`, `booking.status_change`: who, before and
after) inside its transaction, next to its outbox event.
"""

from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from littlelemon.accounts.permissions import is_integration, is_manager_for
from littlelemon.apikeys.principal import api_key_of
from littlelemon.apikeys.scopes import BOOKINGS_WRITE
from littlelemon.audit.services import audit_changes, audit_record, audit_snapshot
from littlelemon.core.exceptions import InvalidInput, NotFound, PermissionDenied
from littlelemon.events.services import event_record
from littlelemon.restaurant.selectors import restaurant_settings_get, restaurant_tz

from .enums import ACTIVE_STATUSES, TRANSITIONS, BookingStatus
from .exceptions import (
    AlreadyBooked,
    BookingNotEditable,
    InvalidTransition,
    LabelTaken,
    OutsideOpeningHours,
    PartyTooLarge,
    TableInUse,
    TableNotSuitable,
    TableUnavailable,
)
from .models import MAX_SEATS, Booking, BookingTable, Table, TableCombination
from .rules import (
    best_fit_order,
    booking_customer_change_check,
    booking_rules_load,
    booking_status_clock_check,
    busy_intervals,
    free_tables,
)
from .selectors import (
    bookings_overlapping,
    combinations_seating,
    customer_booking_overlapping,
    free_combinations,
    table_bookings_blocking,
    table_bookings_on_record,
)

# The name of the database guard against double booking: the PostgreSQL exclusion constraint,
# and the message of the SQLite triggers (migration 0002).
NO_OVERLAP = "bookings_booking_no_overlap"
# The same guard over every table a booking holds (its combination's too): migration 0004.
OCCUPANCY_NO_OVERLAP = "bookings_occupancy_no_overlap"

MANAGER_ONLY_FIELDS = ("table", "combination", "guest_name", "guest_phone")
#: What `booking_update` may change, as the audit trail compares it.
UPDATABLE_FIELDS = ["start", "end", "party_size", "table", "combination", "notes", "guest_name", "guest_phone"]


# --- tables ------------------------------------------------------------------------------


LABEL_MAX_LENGTH = Table._meta.get_field("label").max_length
AREA_MAX_LENGTH = Table._meta.get_field("area").max_length


def _check_label(*, label: str, exclude_pk: int | None = None) -> str:
    label = label.strip()
    if not label:
        raise InvalidInput("A table needs a label.", field="label")
    if len(label) > LABEL_MAX_LENGTH:
        raise InvalidInput(f"A table's label is at most {LABEL_MAX_LENGTH} characters.", field="label")
    taken = Table.objects.filter(label__iexact=label).exclude(pk=exclude_pk).first()
    if taken is not None:
        raise LabelTaken(f"Another table is labelled '{taken.label}' (labels ignore case).", field="label")
    return label


def _check_table_seats(seats: Any) -> int:
    if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= MAX_SEATS:
        raise InvalidInput(f"A table seats from 1 to {MAX_SEATS}.", field="seats")
    return seats


def _check_area(area: str) -> str:
    area = area.strip()
    if len(area) > AREA_MAX_LENGTH:
        raise InvalidInput(f"An area's name is at most {AREA_MAX_LENGTH} characters.", field="area")
    return area


def _bookings_named(bookings: list[Booking]) -> str:
    """ "#12 Ana Lima, 6 at 19:00 on 2026-06-01; #14 ...": which bookings stand in the way."""
    return "; ".join(
        f"#{booking.pk} {booking.name}, {booking.party_size} at {_hhmm_on_date(booking.start)}" for booking in bookings
    )


def _save_table(table: Table) -> Table:
    table.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            table.save()
    except IntegrityError:
        raise LabelTaken(f"Another table is labelled '{table.label}' (labels ignore case).", field="label") from None
    return table


@transaction.atomic
def table_create(*, label: str, seats: int, area: str = "", active: bool = True) -> Table:
    """Add a table to the floor plan (the API, the floor's Tables screen, the admin, the demo data).
    Raises InvalidInput (no label, a label longer than 20 characters, seats outside 1..MAX_SEATS,
    an area name longer than 60 characters) or LabelTaken (the label is used, whatever its case)."""
    label = _check_label(label=label)
    return _save_table(Table(label=label, seats=_check_table_seats(seats), area=_check_area(area), active=active))


@transaction.atomic
def table_update(*, table: Table, data: dict[str, Any], now: datetime | None = None) -> Table:
    """Change a table's label, seats, area or `active` (any subset, in `data`). Taking it out of
    service, or giving it fewer seats, is refused with TableInUse naming the upcoming active
    bookings that would no longer fit (on it, or on a combination with it): move or cancel them
    first. A table out of service keeps its bookings on record and takes no new ones. Raises
    InvalidInput and LabelTaken as `table_create`, and TableInUse.

    Locks the table row, so no booking lands on it while this decides.
    """
    table = Table.objects.select_for_update().get(pk=table.pk)
    if "label" in data:
        table.label = _check_label(label=data["label"], exclude_pk=table.pk)
    if "area" in data:
        table.area = _check_area(data["area"])
    seats = _check_table_seats(data.get("seats", table.seats))
    active = data.get("active", table.active)
    blocked = table_bookings_blocking(table=table, seats=seats, active=active, now=now)
    if blocked:
        change = "take it out of service" if not active else f"reduce it to {seats} seats"
        raise TableInUse(
            f"Table {table.label} has upcoming booking(s) that would lose their table: {_bookings_named(blocked)}. "
            f"Move or cancel them before you {change}.",
            field="active" if not active else "seats",
            extra={"bookings": [booking.pk for booking in blocked]},
        )
    table.seats, table.active = seats, active
    return _save_table(table)


@transaction.atomic
def table_delete(*, table: Table) -> None:
    """Delete a table never booked. Raises TableInUse when it has any booking on record (on it, or
    on a combination with it: history is kept, so take it out of service instead) or belongs to a
    combination (change the combination first). Locks the table row."""
    table = Table.objects.select_for_update().get(pk=table.pk)
    count = table_bookings_on_record(table=table).count()
    if count:
        raise TableInUse(
            f"Table {table.label} has {count} booking(s) on record and is kept for their history: "
            "take it out of service instead (active: false).",
        )
    combinations = list(table.combinations.order_by("name").values_list("name", flat=True))
    if combinations:
        raise TableInUse(
            f"Table {table.label} is part of the combination(s) {', '.join(combinations)}: "
            "take it out of them before you delete it.",
        )
    table.delete()


# --- bookings ----------------------------------------------------------------------------


def _restaurant_time(moment: datetime) -> datetime:
    return moment.astimezone(restaurant_tz())


def _hhmm_on_date(moment: datetime) -> str:
    return f"{_restaurant_time(moment):%H:%M on %Y-%m-%d}"


def _utc(start: Any) -> datetime:
    """The start in UTC: adding the duration to a local time would count wall-clock minutes,
    which is wrong on the nights the clocks change."""
    if not isinstance(start, datetime) or timezone.is_naive(start):
        raise InvalidInput("Give the start as an ISO 8601 date-time with its UTC offset.", field="start")
    try:
        _restaurant_time(start)
        return start.astimezone(UTC)
    except OverflowError:
        raise InvalidInput("That date is out of range.", field="start") from None


def _payload(booking: Booking, *, actor: Any, **extra: Any) -> dict[str, Any]:
    """Everything a notification or webhook needs, without reading the database again."""
    table = booking.table
    return {
        "booking": booking.pk,
        "status": booking.status,
        "customer": booking.customer_id,
        "guest_name": booking.guest_name,
        "guest_phone": booking.guest_phone,
        "table": {"id": table.pk, "label": table.label, "seats": table.seats, "area": table.area},
        "start": _restaurant_time(booking.start).isoformat(),
        "end": _restaurant_time(booking.end).isoformat(),
        "party_size": booking.party_size,
        "notes": booking.notes,
        "actor": getattr(actor, "pk", None),
        "api_key_id": getattr(api_key_of(actor), "pk", None),
        **extra,
    }


def booking_event_record(event: str, booking: Booking, *, actor: Any, **extra: Any) -> None:
    """Write the booking's outbox event `event` (its standard payload plus `extra`), inside the
    caller's transaction: the services here, and the reminder job (bookings/reminders.py)."""
    event_record(
        type=event, aggregate="booking", aggregate_id=booking.pk, payload=_payload(booking, actor=actor, **extra)
    )


def _check_seats(party_size: int) -> None:
    """No table seats more than MAX_SEATS: a bigger party (a manager may pass the online maximum)
    is refused as input before any table is looked at (an attack-input finding: 10**30 was a 409)."""
    if party_size > MAX_SEATS:
        raise PartyTooLarge(
            f"No table seats more than {MAX_SEATS}: a larger party cannot be booked at one table.",
            field="party_size",
            extra={"max_party_size": MAX_SEATS},
        )


def _lock_customer(user: Any) -> None:
    """Serialise one customer's own writes (the "one booking at a time" rule)."""
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


def _check_no_clash(*, customer: Any, start: datetime, end: datetime, exclude: int | None = None) -> None:
    clash = customer_booking_overlapping(customer=customer, start=start, end=end, exclude=exclude)
    if clash is not None:
        raise AlreadyBooked(
            f"You already have a booking at {_hhmm_on_date(clash.start)} (#{clash.pk}); change that one instead.",
            field="start",
            extra={"booking": clash.pk},
        )


def _choose_table(
    *,
    party_size: int,
    start: datetime,
    end: datetime,
    table: Table | None = None,
    combination: TableCombination | None = None,
    keep: int | None = None,
    exclude: int | None = None,
) -> tuple[Table, TableCombination | None]:
    """Lock the candidate tables (pk order), re-read what holds them and pick a place: a table,
    or a combination (with its first table, by label, as the booking's table).

    With `table` or `combination` (a manager's choice) only that one, which must be active, big
    enough and free. Otherwise `keep` (the booking's current table) when it still fits and is
    free, else the best fit: the smallest free table with enough seats; a party that no single
    table seats gets the smallest free combination that does. Raises TableNotSuitable or
    TableUnavailable.
    """
    if combination is not None:
        return _choose_combination(party_size=party_size, start=start, end=end, only=combination, exclude=exclude)
    if table is not None:
        locked = Table.objects.select_for_update().filter(pk=table.pk).first()
        if locked is None or not locked.active:
            raise TableNotSuitable(f"Table {table.label} is not in service.", field="table")
        if locked.seats < party_size:
            raise TableNotSuitable(
                f"Table {locked.label} seats {locked.seats}; the party is {party_size}.", field="table"
            )
        candidates = [locked]
    else:
        candidates = sorted(
            Table.objects.select_for_update().filter(active=True, seats__gte=party_size).order_by("pk"),
            key=best_fit_order,
        )
        if not candidates and combinations_seating(party_size):
            return _choose_combination(party_size=party_size, start=start, end=end, exclude=exclude)
    busy = busy_intervals(
        bookings_overlapping(tables=[t.pk for t in candidates], start=start, end=end, exclude=exclude)
    )
    free = free_tables(candidates, busy, start, end)
    if not free:
        if table is not None:
            raise TableUnavailable(f"Table {table.label} is taken at {_hhmm_on_date(start)}.", field="table")
        raise TableUnavailable(
            f"No table for {party_size} is free at {_hhmm_on_date(start)}; the availability lists the free times.",
            field="start",
        )
    return next((t for t in free if t.pk == keep), free[0]), None


def _choose_combination(
    *,
    party_size: int,
    start: datetime,
    end: datetime,
    only: TableCombination | None = None,
    exclude: int | None = None,
) -> tuple[Table, TableCombination]:
    """The smallest free combination seating the party (or `only`): its tables locked in pk order."""
    seatings = combinations_seating(party_size if only is None else 1)
    if only is not None:
        seatings = [seating for seating in seatings if seating.combination == only.pk]
        if not seatings:
            raise TableNotSuitable(f"Combination {only.name} is not in service.", field="combination")
        if seatings[0].seats < party_size:
            raise TableNotSuitable(
                f"Combination {only.name} seats {seatings[0].seats}; the party is {party_size}.", field="combination"
            )
    members = sorted({table for seating in seatings for table in seating.tables})
    tables = {t.pk: t for t in Table.objects.select_for_update().filter(pk__in=members).order_by("pk")}
    busy = busy_intervals(bookings_overlapping(tables=members, start=start, end=end, exclude=exclude))
    free = free_combinations(seatings, busy, start, end)
    if not free:
        if only is not None:
            raise TableUnavailable(f"A table of {only.name} is taken at {_hhmm_on_date(start)}.", field="combination")
        raise TableUnavailable(
            f"No table or combination for {party_size} is free at {_hhmm_on_date(start)}.", field="start"
        )
    chosen = free[0]
    lead = min((tables[pk] for pk in chosen.tables), key=lambda table: (table.label, table.pk))
    return lead, TableCombination.objects.get(pk=chosen.combination)


def _occupancy_write(booking: Booking) -> None:
    """The booking's BookingTable rows: one per table it holds while active, none otherwise.
    The database refuses a row overlapping another on its table (migration 0004)."""
    BookingTable.objects.filter(booking=booking).delete()
    if booking.status not in ACTIVE_STATUSES:
        return
    tables = {booking.table_id}
    if booking.combination_id is not None:
        tables |= set(booking.combination.tables.values_list("pk", flat=True))
    BookingTable.objects.bulk_create(
        [
            BookingTable(booking=booking, table_id=table, start=booking.start, end=booking.end)
            for table in sorted(tables)
        ]
    )


def _save_booking(booking: Booking) -> None:
    """Save the booking and the tables it holds, in one savepoint; an overlap the database
    refuses (either guard) is TableUnavailable."""
    try:
        with transaction.atomic():
            booking.save()
            _occupancy_write(booking)
    except IntegrityError as error:
        if NO_OVERLAP not in str(error) and OCCUPANCY_NO_OVERLAP not in str(error):
            raise
        place = booking.combination.name if booking.combination_id else f"Table {booking.table.label}"
        raise TableUnavailable(f"{place} was just taken at {_hhmm_on_date(booking.start)}.", field="start") from error


@transaction.atomic
def booking_create(
    *,
    actor: Any,
    start: datetime,
    party_size: int,
    notes: str = "",
    guest_name: str = "",
    guest_phone: str = "",
    table: Table | None = None,
    combination: TableCombination | None = None,
    now: datetime | None = None,
) -> Booking:
    """Book a table (or a combination of tables, for a party no single table seats). A customer
    books for themselves and the table is chosen for them (best fit); a manager may book for a
    guest (`guest_name`, `guest_phone`) and choose the table or combination, and so may an
    integration with `bookings:write`, which always books for a guest.

    Raises PermissionDenied (a non-manager choosing a table or naming a guest), InvalidInput,
    PartyTooLarge, TooSoon, TooFarAhead, OutsideOpeningHours, OffGrid, AlreadyBooked (the
    customer already has a booking then), TableNotSuitable or TableUnavailable. Nothing is
    written when it raises. Locks the customer's row, then the candidate tables.
    """
    staff = is_manager_for(actor, BOOKINGS_WRITE)
    guest_name, guest_phone = guest_name.strip(), guest_phone.strip()
    if not staff and (table is not None or combination is not None or guest_name or guest_phone):
        field = "table" if table is not None else "guest_name"
        raise PermissionDenied("Only the restaurant's managers choose a table or book for a guest.", field=field)
    if guest_phone and not guest_name:
        raise InvalidInput("Give the guest's name with their phone number.", field="guest_name")
    if is_integration(actor) and not guest_name:
        raise InvalidInput("An integration books for a guest: give the guest's name.", field="guest_name")
    if party_size < 1:
        raise InvalidInput("A party is at least 1 person.", field="party_size")
    start = _utc(start)
    rules = booking_rules_load(day=_restaurant_time(start).date(), staff=staff, now=now)
    rules.check_party_size(party_size)
    _check_seats(party_size)
    rules.check_start(start)
    end = start + rules.duration

    customer = None if guest_name else actor
    if customer is not None and not staff:
        _lock_customer(customer)
        _check_no_clash(customer=customer, start=start, end=end)
    chosen, chosen_combination = _choose_table(
        party_size=party_size, start=start, end=end, table=table, combination=combination
    )
    booking = Booking(
        customer=customer,
        guest_name=guest_name,
        guest_phone=guest_phone,
        party_size=party_size,
        start=start,
        end=end,
        table=chosen,
        combination=chosen_combination,
        notes=notes,
        created_by=None if is_integration(actor) else actor,
    )
    _save_booking(booking)
    audit_record(
        actor=actor, action="booking.create", target=booking, changes=audit_changes({}, audit_snapshot(booking))
    )
    booking_event_record("booking.created", booking, actor=actor)
    return booking


def _lock_booking(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().get(pk=booking.pk)


def _check_own(booking: Booking, actor: Any) -> None:
    if booking.customer_id is None or booking.customer_id != getattr(actor, "pk", None):
        raise NotFound("No such booking.")


def _check_transition(booking: Booking, to: str) -> None:
    allowed = TRANSITIONS[booking.status]
    if to not in allowed:
        follow = f"it can only become {' or '.join(allowed)}" if allowed else "that is final"
        raise InvalidTransition(
            f"This booking is {booking.status}: {follow}.",
            field="status",
            extra={"current_status": booking.status, "allowed_statuses": list(allowed)},
        )


@transaction.atomic
def booking_update(*, booking: Booking, actor: Any, data: dict[str, Any], now: datetime | None = None) -> Booking:
    """Change `start`, `party_size` or `notes`; managers also `table`, `guest_name`, `guest_phone`.

    A customer changes their own confirmed booking until the cancellation cut-off; a manager
    any active booking. A new time or party size is re-checked like a new booking, keeping the
    table when it still fits and is free. Raises NotFound (not the customer's), PermissionDenied,
    BookingNotEditable, TooLate, the start and party-size errors of `booking_create`,
    AlreadyBooked, TableNotSuitable or TableUnavailable. Locks the booking, the customer, then
    the candidate tables.
    """
    now = now or timezone.now()
    staff = is_manager_for(actor, BOOKINGS_WRITE)
    booking = _lock_booking(booking)
    before = audit_snapshot(booking, fields=UPDATABLE_FIELDS)
    if not staff:
        _check_own(booking, actor)
        forbidden = [name for name in MANAGER_ONLY_FIELDS if name in data]
        if forbidden:
            raise PermissionDenied(
                "Only the restaurant's managers choose a table or change guest details.", field=forbidden[0]
            )
        booking_customer_change_check(booking=booking, settings=restaurant_settings_get(), now=now)
    elif booking.status not in ACTIVE_STATUSES:
        raise BookingNotEditable(f"This booking is {booking.status}; only an active booking can be changed.")

    changes = _guest_details_apply(booking, data)
    if "notes" in data and data["notes"] != booking.notes:
        changes["notes"] = [booking.notes, data["notes"]]
        booking.notes = data["notes"]
    changes |= _time_party_and_table_apply(booking, data, actor=actor, staff=staff, now=now)

    if changes:
        _save_booking(booking)
        audit_record(
            actor=actor,
            action="booking.update",
            target=booking,
            changes=audit_changes(before, audit_snapshot(booking, fields=UPDATABLE_FIELDS)),
        )
        booking_event_record("booking.updated", booking, actor=actor, changes=changes)
    return booking


def _guest_details_apply(booking: Booking, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Set a guest booking's new name and phone; returns what changed ({field: [before, after]})."""
    changes: dict[str, list[Any]] = {}
    if "guest_name" in data or "guest_phone" in data:
        if booking.customer_id is not None:
            raise InvalidInput("This booking is a registered customer's; it has no guest details.", field="guest_name")
        guest_name = data.get("guest_name", booking.guest_name).strip()
        guest_phone = data.get("guest_phone", booking.guest_phone).strip()
        if not guest_name:
            raise InvalidInput("A guest booking needs the guest's name.", field="guest_name")
        for name, value in (("guest_name", guest_name), ("guest_phone", guest_phone)):
            if value != getattr(booking, name):
                changes[name] = [getattr(booking, name), value]
                setattr(booking, name, value)
    return changes


def _time_party_and_table_apply(
    booking: Booking, data: dict[str, Any], *, actor: Any, staff: bool, now: datetime
) -> dict[str, list[Any]]:
    """Move or resize the booking as a new booking would be checked, keeping its table when it
    still fits and is free; returns what changed ({field: [before, after]})."""
    start = _utc(data["start"]) if "start" in data else booking.start
    party_size = data.get("party_size", booking.party_size)
    table = data.get("table")
    combination = data.get("combination")
    moved = start != booking.start
    if party_size < 1:
        raise InvalidInput("A party is at least 1 person.", field="party_size")
    if not (
        moved
        or party_size != booking.party_size
        or (table is not None and (table.pk != booking.table_id or booking.combination_id is not None))
        or (combination is not None and combination.pk != booking.combination_id)
    ):
        return {}
    rules = booking_rules_load(day=_restaurant_time(start).date(), staff=staff, now=now)
    if party_size != booking.party_size:
        rules.check_party_size(party_size)
        _check_seats(party_size)
    end = booking.end
    if moved:
        rules.check_start(start)
        end = start + rules.duration
    if booking.customer_id is not None and not staff and moved:
        _lock_customer(actor)
        _check_no_clash(customer=actor, start=start, end=end, exclude=booking.pk)
    chosen, chosen_combination = _choose_table(
        party_size=party_size,
        start=start,
        end=end,
        table=table,
        combination=combination,
        keep=booking.table_id if booking.combination_id is None else None,
        exclude=booking.pk,
    )
    changes: dict[str, list[Any]] = {}
    if moved:
        changes["start"] = [_restaurant_time(booking.start).isoformat(), _restaurant_time(start).isoformat()]
        changes["end"] = [_restaurant_time(booking.end).isoformat(), _restaurant_time(end).isoformat()]
    if party_size != booking.party_size:
        changes["party_size"] = [booking.party_size, party_size]
    if chosen.pk != booking.table_id:
        changes["table"] = [booking.table.label, chosen.label]
    if getattr(chosen_combination, "pk", None) != booking.combination_id:
        before = booking.combination.name if booking.combination_id else None
        changes["combination"] = [before, getattr(chosen_combination, "name", None)]
    booking.start, booking.end, booking.party_size, booking.table = start, end, party_size, chosen
    booking.combination = chosen_combination
    if moved:
        booking.reminder_sent_at = None  # a new time deserves its own reminder
    return changes


@transaction.atomic
def booking_cancel(*, booking: Booking, actor: Any, now: datetime | None = None) -> Booking:
    """Cancel a confirmed booking (kept, status `cancelled`): the customer their own until the
    cut-off, a manager any. Raises NotFound, InvalidTransition or TooLate. Locks the booking."""
    now = now or timezone.now()
    booking = _lock_booking(booking)
    staff = is_manager_for(actor, BOOKINGS_WRITE)
    if not staff:
        _check_own(booking, actor)
    _check_transition(booking, BookingStatus.CANCELLED)
    if not staff:
        booking_customer_change_check(booking=booking, settings=restaurant_settings_get(), now=now)
    previous = booking.status
    booking.status = BookingStatus.CANCELLED
    booking.save(update_fields=["status", "updated"])
    _occupancy_write(booking)  # the tables are free again
    audit_record(
        actor=actor,
        action="booking.cancel",
        target=booking,
        changes={"status": {"before": previous, "after": str(booking.status)}},
    )
    booking_event_record("booking.cancelled", booking, actor=actor, by="restaurant" if staff else "customer")
    return booking


STATUS_EVENTS = {
    BookingStatus.SEATED: "booking.seated",
    BookingStatus.COMPLETED: "booking.completed",
    BookingStatus.CANCELLED: "booking.cancelled",
    BookingStatus.NO_SHOW: "booking.no_show",
}


@transaction.atomic
def booking_status_change(*, booking: Booking, actor: Any, status: str, now: datetime | None = None) -> Booking:
    """Move a booking along its lifecycle (managers): confirmed -> seated | cancelled | no_show,
    seated -> completed, as the clock allows (`rules.booking_status_clock_check`): seated from
    BOOKING_SEAT_EARLY_MINUTES before the start until the end, a no-show from
    BOOKING_NO_SHOW_GRACE_MINUTES after the start. The API, the admin and the floor call this.

    Raises PermissionDenied, InvalidTransition (naming the current and allowed statuses),
    SeatingTooEarly, BookingOver or TooEarly. Locks the booking.
    """
    if not is_manager_for(actor, BOOKINGS_WRITE):
        raise PermissionDenied("Only managers change a booking's status.")
    now = now or timezone.now()
    booking = _lock_booking(booking)
    _check_transition(booking, status)
    booking_status_clock_check(booking=booking, status=status, now=now)
    previous = booking.status
    booking.status = status
    booking.save(update_fields=["status", "updated"])
    if status not in ACTIVE_STATUSES:
        _occupancy_write(booking)  # the tables are free again
    audit_record(
        actor=actor,
        action="booking.status_change",
        target=booking,
        changes={"status": {"before": previous, "after": str(status)}},
    )
    extra = {"previous_status": previous}
    if status == BookingStatus.CANCELLED:
        extra["by"] = "restaurant"
    booking_event_record(STATUS_EVENTS[status], booking, actor=actor, **extra)
    return booking


@transaction.atomic
def booking_walk_in(
    *,
    actor: Any,
    guest_name: str,
    party_size: int,
    guest_phone: str = "",
    table: Table | None = None,
    notes: str = "",
    now: datetime | None = None,
) -> Booking:
    """A party at the door (managers): booked from the slot under way (the latest start on the
    grid not after now, for the usual duration) and seated at once, on `table` or the best free
    fit. Raises PermissionDenied, InvalidInput (no guest name), OutsideOpeningHours (no slot under
    way now), and the table errors of `booking_create`. Locks as `booking_create`, then the booking.
    """
    if not is_manager_for(actor, BOOKINGS_WRITE):
        raise PermissionDenied("Only managers seat walk-ins.")
    if not guest_name.strip():
        raise InvalidInput("Give the guest's name.", field="guest_name")
    now = now or timezone.now()
    rules = booking_rules_load(day=_restaurant_time(now).date(), staff=True, now=now)
    under_way = [start for start in rules.starts_on(rules.today) if start <= now]
    if not under_way:
        raise OutsideOpeningHours(
            "The restaurant takes no booking now (closed, or too close to closing for a whole booking).",
            field="guest_name",
        )
    booking = booking_create(
        actor=actor,
        start=under_way[-1],
        party_size=party_size,
        guest_name=guest_name,
        guest_phone=guest_phone,
        table=table,
        notes=notes,
        now=now,
    )
    return booking_status_change(booking=booking, actor=actor, status=BookingStatus.SEATED, now=now)


# --- table combinations ------------------------------------------------------------------


def _combination_check(*, name: str, tables: list[Table], exclude_pk: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("A combination needs a name.", field="name")
    if TableCombination.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise LabelTaken(f"Another combination is called '{name}'.", field="name")
    if len({table.pk for table in tables}) < 2:
        raise InvalidInput("A combination joins at least two tables.", field="tables")
    return name


@transaction.atomic
def combination_create(*, actor: Any, name: str, tables: list[Table], active: bool = True) -> TableCombination:
    """A combination the manager allows (managers). Raises PermissionDenied, InvalidInput (no name,
    fewer than two tables) or LabelTaken (the name is used, case-insensitively)."""
    if not is_manager_for(actor, BOOKINGS_WRITE):
        raise PermissionDenied("Only managers define table combinations.")
    name = _combination_check(name=name, tables=tables)
    combination = TableCombination.objects.create(name=name, active=active)
    combination.tables.set(tables)
    audit_record(
        actor=actor,
        action="table_combination.create",
        target=combination,
        changes={"name": {"before": None, "after": name}, "tables": {"before": [], "after": _labels(tables)}},
    )
    return combination


def _labels(tables) -> list[str]:
    return sorted(table.label for table in tables)


@transaction.atomic
def combination_update(
    *, actor: Any, combination: TableCombination, name: str, tables: list[Table], active: bool
) -> TableCombination:
    """Rename, change the tables of, or (de)activate a combination (managers). Changing its
    tables is refused with TableInUse while upcoming active bookings hold it (move them first);
    deactivating it only stops offering it. Raises as `combination_create`, and TableInUse.
    Locks the combination."""
    if not is_manager_for(actor, BOOKINGS_WRITE):
        raise PermissionDenied("Only managers define table combinations.")
    combination = TableCombination.objects.select_for_update().get(pk=combination.pk)
    name = _combination_check(name=name, tables=tables, exclude_pk=combination.pk)
    before = list(combination.tables.all())
    if {t.pk for t in before} != {t.pk for t in tables}:
        upcoming = list(
            Booking.objects.filter(combination=combination, status__in=ACTIVE_STATUSES, end__gt=timezone.now())
            .order_by("start")
            .values_list("pk", flat=True)[:20]
        )
        if upcoming:
            raise TableInUse(
                f"{combination.name} has upcoming booking(s) (#{', #'.join(map(str, upcoming))}); "
                "move them before you change its tables.",
                field="tables",
                extra={"bookings": upcoming},
            )
    changes = {}
    if name != combination.name:
        changes["name"] = {"before": combination.name, "after": name}
    if active != combination.active:
        changes["active"] = {"before": combination.active, "after": active}
    if _labels(before) != _labels(tables):
        changes["tables"] = {"before": _labels(before), "after": _labels(tables)}
    combination.name, combination.active = name, active
    combination.save()
    combination.tables.set(tables)
    if changes:
        audit_record(actor=actor, action="table_combination.update", target=combination, changes=changes)
    return combination
