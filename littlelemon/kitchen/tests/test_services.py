"""Stations: managers only, validated, audited; a refusal writes nothing."""

import pytest

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.audit.models import AuditEntry
from littlelemon.core.exceptions import PermissionDenied
from littlelemon.kitchen import services
from littlelemon.kitchen.exceptions import StationInvalid, StationNameTaken
from littlelemon.kitchen.models import Station

from .factories import CategoryFactory, station_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def grill_and_salads():
    return CategoryFactory(title="Grill", slug="grill"), CategoryFactory(title="Salads", slug="salads")


def test_a_manager_creates_a_station(manager, grill_and_salads):
    grill, salads = grill_and_salads

    station = services.station_create(actor=manager, name="  Hot   line ", categories=[salads, grill], position=2)

    station.refresh_from_db()
    assert (station.name, station.position) == ("Hot line", 2)
    assert set(station.categories.all()) == {grill, salads}
    entry = AuditEntry.objects.get(action="station.create")
    assert entry.changes["name"] == {"before": None, "after": "Hot line"}
    assert sorted(entry.changes["categories"]["after"]) == ["grill", "salads"]


@pytest.mark.parametrize("role", ["kitchen", "delivery-crew", None])
def test_only_managers_change_stations(role, grill_and_salads):
    actor = UserFactory(roles=[role] if role else [])
    station = station_with("Grill", grill_and_salads[0])

    with pytest.raises(PermissionDenied):
        services.station_create(actor=actor, name="Cold", categories=[grill_and_salads[1]])
    with pytest.raises(PermissionDenied):
        services.station_update(actor=actor, station=station, name="Renamed")
    with pytest.raises(PermissionDenied):
        services.station_delete(actor=actor, station=station)

    assert list(Station.objects.values_list("name", flat=True)) == ["Grill"]
    assert not AuditEntry.objects.filter(action__startswith="station.").exists()


@pytest.mark.parametrize(
    ("name", "categories", "position", "error", "field"),
    [
        ("", "grill", 0, StationInvalid, "name"),
        ("   ", "grill", 0, StationInvalid, "name"),
        ("x" * 61, "grill", 0, StationInvalid, "name"),
        ("Cold", "", 0, StationInvalid, "categories"),
        ("Cold", "missing", 0, StationInvalid, "categories"),
        ("Cold", "grill", -1, StationInvalid, "position"),
        ("Cold", "grill", 10_000, StationInvalid, "position"),
        ("grill", "grill", 0, StationNameTaken, "name"),  # another station's name, in any case
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    manager, grill_and_salads, name, categories, position, error, field
):
    grill = grill_and_salads[0]
    station_with("Grill", grill)
    chosen = {"grill": [grill], "": [], "missing": [grill.pk, 999_999]}[categories]

    with pytest.raises(error) as refusal:
        services.station_create(actor=manager, name=name, categories=chosen, position=position)

    assert refusal.value.field == field
    assert Station.objects.count() == 1
    assert not AuditEntry.objects.filter(action__startswith="station.").exists()


def test_a_manager_updates_a_station(manager, grill_and_salads):
    grill, salads = grill_and_salads
    station = station_with("Grill", grill)

    services.station_update(actor=manager, station=station, name="Hot", categories=[salads])

    station.refresh_from_db()
    assert station.name == "Hot"
    assert list(station.categories.all()) == [salads]
    entry = AuditEntry.objects.get(action="station.update")
    assert entry.changes == {
        "name": {"before": "Grill", "after": "Hot"},
        "categories": {"before": ["grill"], "after": ["salads"]},
    }


def test_an_update_that_changes_nothing_is_not_audited(manager, grill_and_salads):
    station = station_with("Grill", grill_and_salads[0])

    services.station_update(actor=manager, station=station, name="Grill", categories=[grill_and_salads[0]])

    assert not AuditEntry.objects.filter(action="station.update").exists()


def test_renaming_to_another_stations_name_is_refused(manager, grill_and_salads):
    station_with("Grill", grill_and_salads[0])
    cold = station_with("Cold", grill_and_salads[1])

    with pytest.raises(StationNameTaken):
        services.station_update(actor=manager, station=cold, name="GRILL")

    cold.refresh_from_db()
    assert cold.name == "Cold"


def test_a_manager_deletes_a_station(manager, grill_and_salads):
    station = station_with("Grill", grill_and_salads[0])

    services.station_delete(actor=manager, station=station)

    assert not Station.objects.exists()
    entry = AuditEntry.objects.get(action="station.delete")
    assert entry.changes["name"] == {"before": "Grill", "after": None}


def test_the_admin_lists_stations_read_only(admin_user, grill_and_salads):
    from django.test import Client

    station_with("Grill", *grill_and_salads)
    client = Client()
    client.force_login(admin_user)

    listing = client.get("/admin/kitchen/station/")

    assert listing.status_code == 200
    assert "Grill, Salads" in listing.content.decode()
    assert client.get("/admin/kitchen/station/add/").status_code == 403
