"""Writes to the restaurant's settings, opening hours and closures (managers).

Each write is recorded in the audit trail with its `actor` (None for scripts) inside the same
transaction.
"""

from datetime import date, time
from typing import Any

from django.db import IntegrityError, transaction

from littlelemon.accounts.models import User
from littlelemon.accounts.permissions import is_manager_for
from littlelemon.apikeys.scopes import ORDERS_WRITE
from littlelemon.audit.services import audit_changes, audit_record, audit_snapshot
from littlelemon.core.exceptions import InvalidInput, PermissionDenied

from .currencies import is_currency_code
from .enums import Weekday
from .exceptions import OverlappingHours
from .models import ORDERS_PAUSED_MESSAGE, Closure, OpeningHours, RestaurantSettings
from .selectors import MIDNIGHT, restaurant_settings_get, restaurant_today


@transaction.atomic
def restaurant_settings_update(*, data: dict[str, Any], actor: User | None = None) -> RestaurantSettings:
    """Change the settings row (locked). Raises InvalidInput (field `currency`) for a code that
    is not ISO 4217, and Django's ValidationError for a value out of its field's range."""
    if "currency" in data:
        data = {**data, "currency": str(data["currency"]).strip().upper()}
        if not is_currency_code(data["currency"]):
            raise InvalidInput(
                f"“{data['currency']}” is not an ISO 4217 currency code (e.g. USD, EUR, GBP).", field="currency"
            )
    settings = RestaurantSettings.objects.select_for_update().filter(pk=1).first() or restaurant_settings_get()
    before = audit_snapshot(settings)
    for name, value in data.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    if changes := audit_changes(before, audit_snapshot(settings)):
        audit_record(actor=actor, action="restaurant_settings.update", target=settings, changes=changes)
    return settings


ORDERS_PAUSED_MESSAGE_MAX = RestaurantSettings._meta.get_field("orders_paused_message").max_length


def _orders_paused_set(*, actor: User, paused: bool, message: str | None) -> RestaurantSettings:
    if not is_manager_for(actor, ORDERS_WRITE):
        raise PermissionDenied("Only a manager may pause or resume online orders.")
    data: dict[str, Any] = {"orders_paused": paused}
    if message is not None:
        message = " ".join(message.split())  # one line: it is a banner
        if len(message) > ORDERS_PAUSED_MESSAGE_MAX:
            raise InvalidInput(
                f"The message has at most {ORDERS_PAUSED_MESSAGE_MAX} characters.", field="orders_paused_message"
            )
        data["orders_paused_message"] = message or ORDERS_PAUSED_MESSAGE
    return restaurant_settings_update(data=data, actor=actor)


def orders_pause(*, actor: User, message: str | None = None) -> RestaurantSettings:
    """Busy mode: stop taking online orders (`orders.placement.order_place` refuses them with
    `message`, and the customer pages show it) until `orders_resume`. Managers only (raises
    PermissionDenied). `message` None keeps the last one; blank restores the default text. Orders
    already placed are not touched. Audited as `restaurant_settings.update`."""
    return _orders_paused_set(actor=actor, paused=True, message=message)


def orders_resume(*, actor: User) -> RestaurantSettings:
    """Take online orders again (managers only; raises PermissionDenied). The message is kept for next time."""
    return _orders_paused_set(actor=actor, paused=False, message=None)


def _minutes(moment: time, *, closing: bool = False) -> int:
    return 24 * 60 if closing and moment == MIDNIGHT else moment.hour * 60 + moment.minute


def _check_range(*, weekday: int, opens: time, closes: time, exclude_pk: int | None) -> None:
    start, end = _minutes(opens), _minutes(closes, closing=True)
    if end <= start:
        raise InvalidInput("Closing time must be after opening time (00:00 means midnight).", field="closes")
    others = OpeningHours.objects.select_for_update().filter(weekday=weekday).exclude(pk=exclude_pk)
    for other in others:
        if start < _minutes(other.closes, closing=True) and _minutes(other.opens) < end:
            raise OverlappingHours(
                f"This range overlaps {other.opens:%H:%M}-{other.closes:%H:%M} on the same day.", field="opens"
            )


@transaction.atomic
def opening_hours_create(*, weekday: int, opens: time, closes: time, actor: User | None = None) -> OpeningHours:
    """Raises InvalidInput (closing before opening) or OverlappingHours."""
    _check_range(weekday=weekday, opens=opens, closes=closes, exclude_pk=None)
    hours = OpeningHours.objects.create(weekday=weekday, opens=opens, closes=closes)
    audit_record(
        actor=actor, action="opening_hours.create", target=hours, changes=audit_changes({}, audit_snapshot(hours))
    )
    return hours


@transaction.atomic
def opening_hours_update(*, hours: OpeningHours, data: dict[str, Any], actor: User | None = None) -> OpeningHours:
    before = audit_snapshot(hours)
    for name in ("weekday", "opens", "closes"):
        if name in data:
            setattr(hours, name, data[name])
    _check_range(weekday=hours.weekday, opens=hours.opens, closes=hours.closes, exclude_pk=hours.pk)
    hours.save()
    if changes := audit_changes(before, audit_snapshot(hours)):
        audit_record(actor=actor, action="opening_hours.update", target=hours, changes=changes)
    return hours


@transaction.atomic
def opening_hours_delete(*, hours: OpeningHours, actor: User | None = None) -> None:
    audit_record(
        actor=actor, action="opening_hours.delete", target=hours, changes=audit_changes(audit_snapshot(hours), {})
    )
    hours.delete()


def _check_not_past(day: date) -> None:
    if day < restaurant_today():
        raise InvalidInput(f"{day:%Y-%m-%d} is in the past: a closure is for today or later.", field="date")


@transaction.atomic
def closure_create(*, date: date, reason: str = "", actor: User | None = None) -> Closure:
    """Raises InvalidInput when that date is already closed or is in the past (restaurant's time zone)."""
    _check_not_past(date)
    try:
        with transaction.atomic():
            closure = Closure.objects.create(date=date, reason=reason)
    except IntegrityError:
        raise InvalidInput(f"{date:%Y-%m-%d} is already a closure.", field="date") from None
    audit_record(
        actor=actor, action="closure.create", target=closure, changes=audit_changes({}, audit_snapshot(closure))
    )
    return closure


@transaction.atomic
def closure_update(*, closure: Closure, data: dict[str, Any], actor: User | None = None) -> Closure:
    if "date" in data and data["date"] != closure.date:
        _check_not_past(data["date"])
    if "date" in data and Closure.objects.filter(date=data["date"]).exclude(pk=closure.pk).exists():
        raise InvalidInput(f"{data['date']:%Y-%m-%d} is already a closure.", field="date")
    before = audit_snapshot(closure)
    for name in ("date", "reason"):
        if name in data:
            setattr(closure, name, data[name])
    closure.save()
    if changes := audit_changes(before, audit_snapshot(closure)):
        audit_record(actor=actor, action="closure.update", target=closure, changes=changes)
    return closure


@transaction.atomic
def closure_delete(*, closure: Closure, actor: User | None = None) -> None:
    audit_record(
        actor=actor, action="closure.delete", target=closure, changes=audit_changes(audit_snapshot(closure), {})
    )
    closure.delete()


def _range_label(opens: time, closes: time) -> str:
    return f"{opens:%H:%M}–{'24:00' if closes == MIDNIGHT else f'{closes:%H:%M}'}"


def _week_checked(ranges: list[tuple[int, time, time]]) -> None:
    """Raises InvalidInput (`extra["index"]`: which range) for a range that closes before it
    opens or overlaps another one of the same day, saying which."""
    for index, (weekday, opens, closes) in enumerate(ranges):
        if _minutes(closes, closing=True) <= _minutes(opens):
            raise InvalidInput(
                f"{Weekday(weekday).label}: {opens:%H:%M}–{closes:%H:%M} closes before it opens "
                "(00:00 means midnight).",
                field="closes",
                extra={"index": index},
            )
    for index, (weekday, opens, closes) in enumerate(ranges):
        for other_index, (other_day, other_opens, other_closes) in enumerate(ranges[:index]):
            if (
                other_day == weekday
                and _minutes(opens) < _minutes(other_closes, closing=True)
                and (_minutes(other_opens) < _minutes(closes, closing=True))
            ):
                raise OverlappingHours(
                    f"{Weekday(weekday).label}: {_range_label(opens, closes)} overlaps "
                    f"{_range_label(other_opens, other_closes)}.",
                    field="opens",
                    extra={"index": index, "other_index": other_index},
                )


@transaction.atomic
def opening_hours_replace(*, ranges: list[tuple[int, time, time]], actor: User | None = None) -> list[OpeningHours]:
    """Set the whole week's opening hours at once (the settings screen's formset): `ranges` is
    every (weekday, opens, closes) the restaurant keeps. Ranges no longer listed are deleted,
    new ones created, each audited. Raises InvalidInput / OverlappingHours naming the day and the
    ranges (nothing is changed then). Locks every opening-hours row first."""
    ranges = [(int(weekday), opens, closes) for weekday, opens, closes in ranges]
    _week_checked(ranges)
    current = list(OpeningHours.objects.select_for_update().order_by("pk"))
    wanted = set(ranges)
    for hours in current:
        if (hours.weekday, hours.opens, hours.closes) not in wanted:
            opening_hours_delete(hours=hours, actor=actor)
    kept = {(h.weekday, h.opens, h.closes) for h in current}
    for weekday, opens, closes in sorted(wanted - kept):
        hours = OpeningHours.objects.create(weekday=weekday, opens=opens, closes=closes)
        audit_record(
            actor=actor, action="opening_hours.create", target=hours, changes=audit_changes({}, audit_snapshot(hours))
        )
    return list(OpeningHours.objects.order_by("weekday", "opens"))
