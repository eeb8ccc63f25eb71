from datetime import date, time

import pytest

from littlelemon.api.tests.matrix import Row, cell_ids, cells, everyone, managers, run_row

from .factories import ClosureFactory, OpeningHoursFactory


def _hours(user):
    return {"hours": OpeningHoursFactory(weekday=2, opens=time(11), closes=time(14)).pk}


def _closure(user):
    return {"closure": ClosureFactory(date=date(2026, 12, 25)).pk}


ROWS = [
    Row("GET", "/api/v1/settings/", everyone(200)),
    Row("PATCH", "/api/v1/settings/", managers(200), payload=lambda ctx: {"delivery_fee": "3.50"}),
    Row("GET", "/api/v1/opening-hours/", everyone(200)),
    Row(
        "POST",
        "/api/v1/opening-hours/",
        managers(201),
        payload=lambda ctx: {"weekday": 3, "opens": "11:00", "closes": "22:00"},
    ),
    Row("GET", "/api/v1/opening-hours/{hours}/", everyone(200), setup=_hours),
    Row(
        "PUT",
        "/api/v1/opening-hours/{hours}/",
        managers(200),
        setup=_hours,
        payload=lambda ctx: {"weekday": 2, "opens": "12:00", "closes": "15:00"},
    ),
    Row(
        "PATCH", "/api/v1/opening-hours/{hours}/", managers(200), setup=_hours, payload=lambda ctx: {"closes": "15:00"}
    ),
    Row("DELETE", "/api/v1/opening-hours/{hours}/", managers(204), setup=_hours),
    Row("GET", "/api/v1/closures/", everyone(200)),
    Row(
        "POST",
        "/api/v1/closures/",
        managers(201),
        payload=lambda ctx: {"date": "2099-07-04", "reason": "Independence Day"},
    ),
    Row("GET", "/api/v1/closures/{closure}/", everyone(200), setup=_closure),
    Row(
        "PUT", "/api/v1/closures/{closure}/", managers(200), setup=_closure, payload=lambda ctx: {"date": "2099-12-26"}
    ),
    Row(
        "PATCH",
        "/api/v1/closures/{closure}/",
        managers(200),
        setup=_closure,
        payload=lambda ctx: {"reason": "Boxing Day"},
    ),
    Row("DELETE", "/api/v1/closures/{closure}/", managers(204), setup=_closure),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), cells(ROWS), ids=cell_ids(ROWS))
def test_permission_matrix(row, role):
    run_row(row, role)
