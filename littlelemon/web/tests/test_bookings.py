"""Booking a table without JavaScript (a GET for the free times, a POST to book), a time taken a
moment ago, and "My bookings" (change, cancel)."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.models import Booking
from littlelemon.bookings.services import booking_create
from littlelemon.bookings.tests.factories import TableFactory
from littlelemon.restaurant.selectors import restaurant_today

from .htmltext import text, texts

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def tomorrow():
    return restaurant_today() + timedelta(days=1)


@pytest.fixture
def table(hours):
    return TableFactory(label="T1", seats=4)


def free_times(html: str | bytes) -> list[str]:
    html = html.decode() if isinstance(html, bytes) else html
    return re.findall(r'<input type="radio" name="start" value="([^"]+)"', html)


def search(client, day, party_size=2, **headers):
    return client.get(reverse("web:booking"), {"date": f"{day:%Y-%m-%d}", "party_size": party_size}, headers=headers)


class TestBooking:
    def test_the_free_times_for_a_date_and_party_size(self, client, table, tomorrow):
        response = search(client, tomorrow)

        times = free_times(response.content)
        assert times[0].startswith(f"{tomorrow:%Y-%m-%d}T11:00:00")
        assert text(response.content, tag="legend").startswith("Free times tomorrow for 2 people")
        assert texts(response.content, css_class="slot")[0] == "11 a.m."

    def test_htmx_gets_only_the_times(self, client, table, tomorrow):
        response = search(client, tomorrow, **HTMX)

        html = response.content.decode()
        assert html.lstrip().startswith('<div id="booking-slots"') and "<html" not in html
        assert free_times(html)

    def test_a_visitor_is_asked_to_log_in_to_book(self, client, table, tomorrow):
        html = search(client, tomorrow).content.decode()
        assert "Book table" not in html and "Log in or sign up to book." in html

        response = client.post(reverse("web:booking"), {"start": free_times(html)[0], "party_size": "2"})

        assert response.status_code == 302 and response.url == reverse("web:login")
        assert not Booking.objects.exists()

    def test_books_a_free_time(self, client, customer, table, tomorrow):
        client.force_login(customer)
        start = free_times(search(client, tomorrow).content)[2]

        response = client.post(
            reverse("web:booking"), {"start": start, "party_size": "3", "notes": "A <b>birthday</b>"}
        )

        assert response.status_code == 302 and response.url == reverse("web:bookings")
        booking = Booking.objects.get(customer=customer)
        assert (booking.start, booking.party_size, booking.notes) == (
            datetime.fromisoformat(start),
            3,
            "A <b>birthday</b>",
        )
        page = client.get(response.url).content.decode()
        assert text(page, css_class="message--success").startswith("Your table for 3 people is booked: Tomorrow at")
        assert "“A &lt;b&gt;birthday&lt;/b&gt;”" in page

    def test_a_time_taken_a_moment_ago_says_so_keeps_the_notes_and_lists_the_others(
        self, client, customer, other_customer, table, tomorrow
    ):
        client.force_login(customer)
        times = free_times(search(client, tomorrow).content)
        booking_create(actor=other_customer, start=datetime.fromisoformat(times[0]), party_size=2)

        response = client.post(reverse("web:booking"), {"start": times[0], "party_size": "2", "notes": "By the window"})

        assert response.status_code == 200
        assert text(response.content, css_class="errorlist") == (
            "Sorry, 11 a.m. was taken a moment ago. The times still free are below: choose another."
        )
        assert "By the window</textarea>" in response.content.decode()
        assert times[0] not in free_times(response.content)
        assert not Booking.objects.filter(customer=customer).exists()

    def test_no_time_chosen(self, client, customer, table, tomorrow):
        client.force_login(customer)

        response = client.post(reverse("web:booking"), {"start": "", "party_size": "2"})

        assert "Choose one of the free times." in text(response.content, css_class="errorlist")
        assert not Booking.objects.exists()

    def test_a_past_date_is_refused_next_to_the_date(self, client, table):
        response = search(client, restaurant_today() - timedelta(days=1))

        assert text(response.content, id="id_date_error") == "That day has passed: choose today or a later date."


class TestMyBookings:
    @pytest.fixture
    def booked(self, customer, table, tomorrow, client):
        client.force_login(customer)
        start = free_times(search(client, tomorrow).content)[4]
        return booking_create(actor=customer, start=datetime.fromisoformat(start), party_size=2, notes="<i>quiet</i>")

    def test_lists_the_upcoming_bookings_with_change_and_cancel(self, client, booked):
        html = client.get(reverse("web:bookings")).content.decode()

        assert text(html, css_class="booking-card__title").startswith("Tomorrow at")
        assert f'href="/bookings/{booked.pk}/"' in html
        assert text(html, tag="button", css_class="button--danger") == "Cancel booking"
        assert "&lt;i&gt;quiet&lt;/i&gt;" in html

    def test_cancel(self, client, booked):
        response = client.post(reverse("web:booking_cancel", args=[booked.pk]))

        assert response.status_code == 302
        booked.refresh_from_db()
        assert booked.status == BookingStatus.CANCELLED
        html = client.get(reverse("web:bookings")).content.decode()
        assert "is cancelled" in text(html, css_class="message--success")
        assert text(html, id="earlier-title") == "Earlier and cancelled"

    def test_change_to_another_time_and_size(self, client, booked, tomorrow):
        page = client.get(reverse("web:booking_change", args=[booked.pk])).content.decode()
        assert text(page, tag="h1") == "Change your booking"
        assert "Save changes" in page
        new_start = free_times(page)[-1]

        response = client.post(
            reverse("web:booking_change", args=[booked.pk]), {"start": new_start, "party_size": "4", "notes": ""}
        )

        assert response.status_code == 302
        booked.refresh_from_db()
        assert booked.start == datetime.fromisoformat(new_start) and booked.party_size == 4

    def test_someone_elses_booking_is_not_found(self, client, booked, other_customer):
        client.force_login(other_customer)

        assert client.get(reverse("web:booking_change", args=[booked.pk])).status_code == 404
        assert client.post(reverse("web:booking_cancel", args=[booked.pk])).status_code == 404
        booked.refresh_from_db()
        assert booked.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("tables", [1, 6])
def test_booking_pages_run_fixed_queries(client, customer, hours, tomorrow, tables, django_assert_num_queries):
    for _ in range(tables):
        TableFactory(seats=4)
    client.force_login(customer)
    for days in range(tables):  # one a day: a customer cannot hold two bookings at once
        start = free_times(search(client, tomorrow + timedelta(days=days)).content)[0]
        booking_create(actor=customer, start=datetime.fromisoformat(start), party_size=2)

    # session, user, settings, hours, closures, the cart badge; availability: settings, hours,
    # closures, the suitable tables, the day's bookings; the header's roles
    with django_assert_num_queries(12):
        search(client, tomorrow)
    # session, user, settings, hours, closures, roles, the upcoming bookings, the cart badge, the earlier ones
    with django_assert_num_queries(9):
        response = client.get(reverse("web:bookings"))
    assert len(texts(response.content, css_class="booking-card")) == tables
