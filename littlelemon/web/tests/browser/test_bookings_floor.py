"""The bookings floor in a browser (issue 17): a walk-in seated at once, a booked party seated
when it arrives, and a booking moved to another table; at tablet width, with WCAG AA contrast and
the strict CSP (a JavaScript error fails the test)."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from littlelemon.accounts.enums import Role
from littlelemon.accounts.tests.factories import PASSWORD, UserFactory
from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.models import Booking
from littlelemon.bookings.tests.factories import BookingFactory, TableFactory
from littlelemon.restaurant.tests.factories import open_every_day

from .journeys import always_open, staff_log_in
from .test_contrast import assert_readable

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 6, 1, 18, 50, tzinfo=CHICAGO)  # a Monday evening


@pytest.fixture
def floor(transactional_db, freeze):
    freeze(NOW)  # the live server runs in this process: it reads the same stopped clock
    always_open()
    open_every_day(time(17), time(22))
    for role in Role:
        Group.objects.get_or_create(name=role)
    UserFactory(username="mario", first_name="Mario", roles=["manager"])
    window = TableFactory(label="W1", seats=2, area="Window")
    main = TableFactory(label="M4", seats=4, area="Main room")
    spare = TableFactory(label="M6", seats=6, area="Main room")
    ana = BookingFactory(
        customer=None, guest_name="Ana Lima", party_size=4, table=main, start=datetime(2026, 6, 1, 19, tzinfo=CHICAGO)
    )
    return {"window": window, "main": main, "spare": spare, "ana": ana}


def test_walk_in_seat_and_move(page: Page, floor):
    page.set_viewport_size({"width": 1024, "height": 768})  # a tablet, landscape
    staff_log_in(page, "mario", PASSWORD, lands_on="/staff/orders/")
    page.get_by_role("navigation", name="Staff screens").get_by_role("link", name="Bookings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bookings, today, Monday 1 June 2026")
    expect(page.locator("a.timeline__block")).to_have_text(["Ana Lima 4 19:00–20:30 Confirmed"])
    assert_readable(page, "/staff/floor/")

    walk_in = page.locator("section", has=page.get_by_role("heading", name="Walk-in"))
    walk_in.get_by_label("Name").fill("Bo Walker")
    walk_in.get_by_label("Phone").fill("+1 312 555 0199")
    walk_in.get_by_label("Party").fill("2")
    walk_in.get_by_role("button", name="Seat walk-in").click()
    expect(page.locator(".message--success")).to_contain_text("Bo Walker, 2: seated at W1")
    expect(page.locator("a.timeline__block--seated")).to_contain_text("Bo Walker")
    bo = Booking.objects.get(guest_name="Bo Walker")
    assert (bo.status, bo.table, bo.start.astimezone(CHICAGO).time()) == (
        BookingStatus.SEATED,
        floor["window"],
        time(18, 45),
    )

    page.get_by_role("button", name="Seat Ana Lima").click()
    expect(page.locator(".message--success")).to_contain_text("Ana Lima: seated.")
    expect(page.locator(f'[data-booking="{floor["ana"].pk}"]')).to_contain_text("Seated")

    page.get_by_role("link", name="Move Ana Lima").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Lima, 4")
    page.get_by_label("Table", exact=True).select_option(label="M6 (6 seats, Main room)")
    page.get_by_role("button", name="Move").click()
    expect(page.locator(".message--success")).to_contain_text("Ana Lima moved to M6 at 19:00.")
    expect(page.locator(f'[data-table="{floor["spare"].pk}"] .timeline__block')).to_contain_text("Ana Lima")
    floor["ana"].refresh_from_db()
    assert (floor["ana"].table, floor["ana"].status) == (floor["spare"], BookingStatus.SEATED)
    assert_readable(page, "/staff/floor/")


def test_a_refused_move_shows_next_to_the_table(page: Page, floor):
    BookingFactory(customer=None, guest_name="Cy", party_size=2, table=floor["spare"], start=NOW)
    staff_log_in(page, "mario", PASSWORD, lands_on="/staff/orders/")
    page.goto(f"/staff/floor/bookings/{floor['ana'].pk}/")

    page.get_by_label("Table", exact=True).select_option(label="M6 (6 seats, Main room)")
    page.get_by_role("button", name="Move").click()

    expect(page.locator(".field--invalid")).to_contain_text("Table M6 is taken at 19:00")
    floor["ana"].refresh_from_db()
    assert floor["ana"].table == floor["main"]


def test_a_table_added_on_the_tables_screen_shows_on_the_timeline(page: Page, floor):
    page.set_viewport_size({"width": 1024, "height": 768})
    staff_log_in(page, "mario", PASSWORD, lands_on="/staff/orders/")
    page.goto("/staff/floor/")
    page.get_by_role("link", name="Tables", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tables")
    assert_readable(page, "/staff/floor/tables/")

    add = page.locator("section", has=page.get_by_role("heading", name="Add a table"))
    add.get_by_label("Label").fill("m4")  # taken, whatever the case
    add.get_by_label("Seats").fill("4")
    add.get_by_role("button", name="Add table").click()
    expect(page.locator(".field--invalid")).to_contain_text("Another table is labelled 'M4' (labels ignore case).")

    add = page.locator("section", has=page.get_by_role("heading", name="Add a table"))
    add.get_by_label("Label").fill("P1")
    add.get_by_label("Seats").fill("8")
    add.get_by_label("Area").fill("Patio")
    add.get_by_role("button", name="Add table").click()
    expect(page.locator(".message--success")).to_contain_text("Table P1 added: 8 seats.")
    patio = page.locator("section", has=page.get_by_role("heading", name="Patio"))
    expect(patio.locator("tbody tr")).to_have_text(["P1 8 Takes bookings Edit Out of service"], use_inner_text=True)

    page.get_by_role("link", name="← The floor").click()
    expect(page.locator(".timeline__area")).to_have_text(["Main room", "Patio", "Window"])
    expect(page.locator(".timeline__label", has_text="P1")).to_have_text("P1 8 seats")
