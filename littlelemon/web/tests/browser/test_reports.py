"""The reports in a browser, as a manager: each report at desktop size and at 360 px shows its
chart (the SVG drawn on the server, visible and sized to the screen) with no sideways scroll of
the page, every text passes WCAG AA contrast (chart labels included), and the CSV downloads."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from littlelemon.accounts.enums import Role
from littlelemon.accounts.tests.factories import PASSWORD, UserFactory
from littlelemon.reports.tests import dataset

from .journeys import always_open, staff_log_in
from .test_contrast import assert_readable
from .test_phone import horizontal_overflow

WEEK = "?start=2026-03-02&end=2026-03-08"
CHARTS = {
    "sales": "Sales by day",
    "dishes": "Top dishes by quantity",
    "hours": "Orders by hour of the week",
    "bookings": "Covers by day",
}


@pytest.fixture
def restaurant(transactional_db):
    always_open()
    for role in Role:  # an earlier transactional test may have emptied the table of roles
        Group.objects.get_or_create(name=role)
    UserFactory(username="mario", first_name="Mario", roles=["manager"])
    dataset.build()


def visit_every_report(page: Page) -> None:
    staff_log_in(page, "mario", PASSWORD, lands_on="/staff/orders/")
    page.get_by_role("navigation", name="Staff screens").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    for slug, chart in CHARTS.items():
        path = f"/staff/reports/{slug}/{WEEK}"
        page.goto(path)
        image = page.get_by_role("img", name=chart)
        expect(image).to_be_visible()
        box = image.bounding_box()
        # Drawn at a readable size (at least 34 rem: on a phone it scrolls inside its frame).
        assert box is not None and box["width"] >= 540 and box["height"] > 120, f"{path}: the chart is too small"
        frame = page.locator("figure.report__chart").first.bounding_box()
        assert frame["x"] + frame["width"] <= page.viewport_size["width"], f"{path}: the chart's frame overflows"
        assert horizontal_overflow(page) == 0, f"{path} scrolls sideways at {page.viewport_size['width']} px"
        assert_readable(page, path)
    page.goto(f"/staff/reports/times/{WEEK}")
    expect(page.get_by_role("table", name="Preparation and delivery times (minutes)")).to_be_visible()
    assert horizontal_overflow(page) == 0
    assert_readable(page, "/staff/reports/times/")


def test_reports_on_a_desktop(page: Page, restaurant):
    visit_every_report(page)

    page.goto(f"/staff/reports/sales/{WEEK}")
    expect(page.get_by_role("table", name="Sales by day")).to_contain_text("72.50")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == "sales-2026-03-02-2026-03-08.csv"


def test_reports_at_360_px(phone: Page, restaurant):
    visit_every_report(phone)

    phone.goto("/staff/reports/sales/?start=2026-03-08&end=2026-03-01")
    expect(phone.get_by_text("The end date is before the start date.")).to_be_visible()
    assert horizontal_overflow(phone) == 0
    assert_readable(phone, "/staff/reports/sales/ (refused range)")
