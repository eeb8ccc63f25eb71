"""Writes to the kitchen's stations (managers only), recorded in the audit trail in the same
transaction as the change. Every station screen and the admin go through here."""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from littlelemon.accounts.permissions import is_manager
from littlelemon.audit.services import audit_record
from littlelemon.core.exceptions import PermissionDenied
from littlelemon.menu.models import Category

from .exceptions import StationInvalid, StationNameTaken
from .models import MAX_NAME_LENGTH, Station

MAX_POSITION = 9999


def _check_manager(actor: Any) -> None:
    if not is_manager(actor):
        raise PermissionDenied("Only a manager may change the kitchen's stations.")


def _checked_name(name: str, *, exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise StationInvalid("A station needs a name.", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise StationInvalid(f"A station's name has at most {MAX_NAME_LENGTH} characters.", field="name")
    if Station.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise StationNameTaken(f"There is already a station called '{name}'.", field="name")
    return name


def _checked_categories(categories: Iterable[Category | int]) -> list[Category]:
    ids = sorted({category if isinstance(category, int) else category.pk for category in categories})
    if not ids:
        raise StationInvalid("Choose at least one menu category for the station.", field="categories")
    found = list(Category.objects.filter(pk__in=ids).order_by("position", "title", "id"))
    if len(found) != len(ids):
        raise StationInvalid("One of the chosen categories does not exist.", field="categories")
    return found


def _checked_position(position: int) -> int:
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= MAX_POSITION:
        raise StationInvalid(f"The position is a whole number from 0 to {MAX_POSITION}.", field="position")
    return position


def _snapshot(name: str, categories: list[Category], position: int) -> dict[str, Any]:
    return {"name": name, "categories": [category.slug for category in categories], "position": position}


def _saved(station: Station) -> None:
    """Save, turning a name taken by a concurrent write (the unique constraint) into the domain error."""
    try:
        with transaction.atomic():
            station.save()
    except IntegrityError:
        raise StationNameTaken(f"There is already a station called '{station.name}'.", field="name") from None


@transaction.atomic
def station_create(*, actor: Any, name: str, categories: Iterable[Category | int], position: int = 0) -> Station:
    """A new station making the dishes of `categories`. Raises PermissionDenied (not a manager),
    StationInvalid (no name, too long, no or unknown categories, a bad position),
    StationNameTaken (the name, in any case, is another station's). Nothing is written then.
    Audited as `station.create`."""
    _check_manager(actor)
    name = _checked_name(name)
    chosen = _checked_categories(categories)
    position = _checked_position(position)
    station = Station(name=name, position=position)
    _saved(station)
    station.categories.set(chosen)
    after = _snapshot(name, chosen, position)
    audit_record(
        actor=actor,
        action="station.create",
        target=station,
        changes={key: {"before": None, "after": value} for key, value in after.items()},
    )
    return station


@transaction.atomic
def station_update(
    *,
    actor: Any,
    station: Station,
    name: str | None = None,
    categories: Iterable[Category | int] | None = None,
    position: int | None = None,
) -> Station:
    """Change a station's name, categories or position (None: unchanged). Raises as
    `station_create`. Locks the station's row. Audited as `station.update` (when something changed)."""
    _check_manager(actor)
    station = Station.objects.select_for_update().get(pk=station.pk)
    old_categories = list(station.categories.order_by("position", "title", "id"))
    before = _snapshot(station.name, old_categories, station.position)
    new_name = station.name if name is None else _checked_name(name, exclude_pk=station.pk)
    chosen = old_categories if categories is None else _checked_categories(categories)
    new_position = station.position if position is None else _checked_position(position)
    after = _snapshot(new_name, chosen, new_position)
    changes = {key: {"before": before[key], "after": after[key]} for key in after if before[key] != after[key]}
    if not changes:
        return station
    station.name, station.position = new_name, new_position
    _saved(station)
    if "categories" in changes:
        station.categories.set(chosen)
    audit_record(actor=actor, action="station.update", target=station, changes=changes)
    return station


@transaction.atomic
def station_delete(*, actor: Any, station: Station) -> None:
    """Delete a station (screens set to it show every dish again). Raises PermissionDenied.
    Audited as `station.delete`."""
    _check_manager(actor)
    categories = list(station.categories.order_by("position", "title", "id"))
    before = _snapshot(station.name, categories, station.position)
    audit_record(
        actor=actor,
        action="station.delete",
        target=station,
        changes={key: {"before": value, "after": None} for key, value in before.items()},
    )
    station.delete()
