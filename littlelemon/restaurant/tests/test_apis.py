from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from littlelemon.restaurant.models import Closure, OpeningHours, RestaurantSettings
from littlelemon.restaurant.selectors import restaurant_settings_get

from .factories import ClosureFactory, OpeningHoursFactory

pytestmark = pytest.mark.django_db


class TestSettings:
    def test_anyone_reads_the_settings(self, api_client):
        response = api_client.get("/api/v1/settings/")

        assert response.status_code == 200
        body = response.json()
        assert body["name"] == "Little Lemon"
        assert (body["currency"], body["tax_rate"], body["delivery_fee"], body["minimum_order"]) == (
            "USD",
            "0.000",
            "0.00",
            "0.00",
        )
        assert body["booking_duration_minutes"] == 90

    def test_manager_patches_money_and_booking_settings(self, client_as, manager):
        response = client_as(manager).patch(
            "/api/v1/settings/",
            {
                "tax_rate": "10.250",
                "delivery_fee": "4.99",
                "minimum_order": "15.00",
                "booking_slot_minutes": 30,
                "currency": "EUR",
            },
        )

        assert response.status_code == 200, response.json()
        settings = restaurant_settings_get()
        assert (settings.tax_rate, settings.delivery_fee, settings.minimum_order) == (
            Decimal("10.25"),
            Decimal("4.99"),
            Decimal("15"),
        )
        assert (settings.booking_slot_minutes, settings.currency) == (30, "EUR")

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"tax_rate": "-1"}, "tax_rate"),
            ({"tax_rate": "100.001"}, "tax_rate"),
            ({"delivery_fee": "-0.01"}, "delivery_fee"),
            ({"delivery_fee": "1.001"}, "delivery_fee"),
            ({"minimum_order": "abc"}, "minimum_order"),
            ({"currency": "usd"}, "currency"),
            ({"booking_slot_minutes": 0}, "booking_slot_minutes"),
            ({"booking_duration_minutes": 5}, "booking_duration_minutes"),
            ({"booking_horizon_days": 1000}, "booking_horizon_days"),
            ({"booking_max_party_size": -2}, "booking_max_party_size"),
            ({"name": ""}, "name"),
        ],
    )
    def test_invalid_settings_are_refused_and_nothing_changes(self, client_as, manager, payload, field):
        before = restaurant_settings_get()

        response = client_as(manager).patch("/api/v1/settings/", payload)

        assert response.status_code == 400
        assert field in response.json()["fields"]
        after = restaurant_settings_get()
        assert [getattr(after, f) for f in payload] == [getattr(before, f) for f in payload]

    def test_manager_sets_the_auto_reject_minutes(self, client_as, manager, api_client):
        response = client_as(manager).patch(
            "/api/v1/settings/", {"order_accept_timeout_minutes": 0, "order_scheduled_due_minutes": 90}
        )

        assert response.status_code == 200, response.json()
        saved = restaurant_settings_get()
        assert (saved.order_accept_timeout_minutes, saved.order_scheduled_due_minutes) == (0, 90)
        body = api_client.get("/api/v1/settings/").json()
        assert (body["order_accept_timeout_minutes"], body["order_scheduled_due_minutes"]) == (0, 90)

    @pytest.mark.parametrize(
        ("payload", "message"),
        [
            ({"order_accept_timeout_minutes": -1}, "Use 0 (never reject) or a number of minutes up to 1440 (a day)."),
            ({"order_accept_timeout_minutes": 1441}, "Use 0 (never reject) or a number of minutes up to 1440 (a day)."),
            ({"order_accept_timeout_minutes": "soon"}, "A valid integer is required."),
            ({"order_scheduled_due_minutes": -1}, "Use a number of minutes from 0 to 1440 (a day)."),
            ({"order_scheduled_due_minutes": 1441}, "Use a number of minutes from 0 to 1440 (a day)."),
        ],
    )
    def test_auto_reject_minutes_out_of_range_are_refused(self, client_as, manager, payload, message):
        before = list(RestaurantSettings.objects.values())

        response = client_as(manager).patch("/api/v1/settings/", payload)

        assert response.status_code == 400
        [field] = payload
        assert message in str(response.json()["fields"][field])
        assert list(RestaurantSettings.objects.values()) == before

    def test_put_is_not_offered(self, client_as, manager):
        assert client_as(manager).put("/api/v1/settings/", {"name": "X"}).status_code == 405


class TestOpeningHours:
    def test_manager_adds_lunch_and_dinner_on_one_day(self, client_as, manager):
        client = client_as(manager)

        lunch = client.post("/api/v1/opening-hours/", {"weekday": 0, "opens": "11:00", "closes": "14:30"})
        dinner = client.post("/api/v1/opening-hours/", {"weekday": 0, "opens": "17:00", "closes": "00:00"})

        assert lunch.status_code == dinner.status_code == 201
        assert lunch.json() == {
            "id": lunch.json()["id"],
            "weekday": 0,
            "weekday_name": "Monday",
            "opens": "11:00",
            "closes": "14:30",
        }
        assert list(OpeningHours.objects.values_list("opens", "closes")) == [
            (time(11), time(14, 30)),
            (time(17), time(0)),
        ]

    @pytest.mark.parametrize(
        ("payload", "field", "message"),
        [
            ({"weekday": 0, "opens": "12:00", "closes": "15:00"}, "opens", "overlaps 11:00-14:00"),
            ({"weekday": 0, "opens": "10:00", "closes": "11:30"}, "opens", "overlaps 11:00-14:00"),
            ({"weekday": 0, "opens": "18:00", "closes": "17:00"}, "closes", "Closing time must be after opening time"),
            ({"weekday": 0, "opens": "18:00", "closes": "18:00"}, "closes", "Closing time must be after opening time"),
            ({"weekday": 7, "opens": "18:00", "closes": "20:00"}, "weekday", "not a valid choice"),
            ({"weekday": 1, "opens": "25:00", "closes": "20:00"}, "opens", "Time has wrong format"),
            ({"weekday": 1, "opens": "noon", "closes": "20:00"}, "opens", "Time has wrong format"),
        ],
    )
    def test_invalid_ranges_are_400_and_nothing_is_written(self, client_as, manager, payload, field, message):
        OpeningHoursFactory(weekday=0, opens=time(11), closes=time(14))

        response = client_as(manager).post("/api/v1/opening-hours/", payload)

        assert response.status_code == 400
        assert message in str(response.json()["fields"][field])
        assert OpeningHours.objects.count() == 1

    def test_moving_a_range_is_checked_against_the_others_but_not_itself(self, client_as, manager):
        lunch = OpeningHoursFactory(weekday=0, opens=time(11), closes=time(14))
        OpeningHoursFactory(weekday=0, opens=time(17), closes=time(22))
        client = client_as(manager)

        widened = client.patch(f"/api/v1/opening-hours/{lunch.pk}/", {"closes": "15:00"})
        clash = client.patch(f"/api/v1/opening-hours/{lunch.pk}/", {"closes": "18:00"})

        assert widened.status_code == 200
        assert clash.status_code == 400
        lunch.refresh_from_db()
        assert lunch.closes == time(15)

    def test_list_is_a_whole_week_unpaginated(self, api_client):
        for weekday in range(7):
            OpeningHoursFactory(weekday=weekday, opens=time(11), closes=time(14))
            OpeningHoursFactory(weekday=weekday, opens=time(17), closes=time(22))

        body = api_client.get("/api/v1/opening-hours/").json()

        assert len(body) == 14
        assert [(row["weekday"], row["opens"]) for row in body[:3]] == [(0, "11:00"), (0, "17:00"), (1, "11:00")]


class TestClosures:
    def test_manager_adds_and_removes_a_closure(self, client_as, manager):
        client = client_as(manager)

        created = client.post("/api/v1/closures/", {"date": "2099-12-25", "reason": "Christmas"})
        duplicate = client.post("/api/v1/closures/", {"date": "2099-12-25", "reason": "Again"})

        assert created.status_code == 201
        assert created.json() == {"id": created.json()["id"], "date": "2099-12-25", "reason": "Christmas"}
        assert duplicate.status_code == 400
        assert duplicate.json()["fields"] == {"date": ["2099-12-25 is already a closure."]}
        assert client.delete(f"/api/v1/closures/{created.json()['id']}/").status_code == 204
        assert not Closure.objects.exists()

    def test_a_past_date_is_refused(self, client_as, manager, freeze):
        freeze(datetime(2026, 6, 10, 12, 0, tzinfo=UTC))

        response = client_as(manager).post("/api/v1/closures/", {"date": "2026-06-09", "reason": "Too late"})

        assert response.status_code == 400
        assert response.json()["fields"] == {"date": ["2026-06-09 is in the past: a closure is for today or later."]}
        assert not Closure.objects.exists()

    def test_an_unknown_currency_is_refused(self, client_as, manager):
        response = client_as(manager).patch("/api/v1/settings/", {"currency": "XYZ"})

        assert response.status_code == 400
        assert response.json()["fields"] == {
            "currency": ["“XYZ” is not an ISO 4217 currency code (e.g. USD, EUR, GBP)."]
        }

    def test_bad_date_is_400(self, client_as, manager):
        response = client_as(manager).post("/api/v1/closures/", {"date": "2026-13-40"})

        assert response.status_code == 400
        assert "date" in response.json()["fields"]

    def test_list_is_in_date_order(self, api_client):
        ClosureFactory(date=date(2026, 12, 25))
        ClosureFactory(date=date(2026, 1, 1))

        assert [c["date"] for c in api_client.get("/api/v1/closures/").json()["results"]] == [
            "2026-01-01",
            "2026-12-25",
        ]
