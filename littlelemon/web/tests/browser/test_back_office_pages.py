"""The back-office pages the other browser tests do not visit, at desktop size and at 360 px, as
on the customer pages: nothing scrolls sideways and every text passes WCAG AA contrast
(test_contrast.assert_readable). The Staff screen (as an admin: the two-factor policy and the
manager-role buttons show), an invitation, a customer's data, the invitation's set-password link
(its refusal and a broken link), two-factor set-up (a wrong code, then on, then the code step of
the next log-in), the tables and table combinations, a booking, the cash to hand in, a
rejection's reason, option groups, a meal deal's edit page and its slots, categories, a new dish,
an archiving, the kitchen's stations; and the bookings floor at 360 px (its other test is at
tablet size), where the timeline and the tables scroll inside their frames."""

import time
from base64 import b32decode
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from littlelemon.accounts import invitations
from littlelemon.accounts.enums import Role
from littlelemon.accounts.tests.factories import PASSWORD, UserFactory
from littlelemon.bookings import services as booking_services
from littlelemon.bookings.tests.factories import BookingFactory, TableFactory
from littlelemon.kitchen.tests.factories import station_with
from littlelemon.menu.tests.factories import (
    CategoryFactory,
    MenuItemFactory,
    burger_with_options,
    combo_with_slots,
)
from littlelemon.orders import transitions
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.restaurant.selectors import restaurant_tz

from .journeys import always_open, staff_log_in
from .test_contrast import assert_readable
from .test_phone import horizontal_overflow


@pytest.fixture
def back_office(transactional_db):
    """An admin (Ada) and a manager; a kitchen member invited; a customer with an order; two tables
    combined and a booking tomorrow; a driver holding a cash order's money; a placed order; a
    burger with option groups and a lunch deal with two slots; a kitchen station."""
    always_open()
    for role in Role:  # an earlier transactional test may have emptied the table of roles
        Group.objects.get_or_create(name=role)
    ada = UserFactory(username="ada", first_name="Ada", is_superuser=True, is_staff=True)
    UserFactory(username="mario", first_name="Mario", roles=["manager"])
    invited = invitations.staff_invite(
        actor=ada, email="nia@example.com", first_name="Nia", last_name="", role="kitchen"
    )
    cleo = UserFactory(username="cleo", first_name="Cleo")
    OrderFactory(customer=cleo, status="delivered", items=1)

    window, wall = TableFactory(label="W1", seats=2, area="Window"), TableFactory(label="W2", seats=4, area="Window")
    combination = booking_services.combination_create(actor=ada, name="W1+W2", tables=[window, wall])
    TableFactory(label="T9", seats=6, area="Terrace", active=False)  # out of service: its row is greyed
    tomorrow = timezone.now().astimezone(restaurant_tz()).date() + timedelta(days=1)
    booking = BookingFactory(
        customer=None,
        guest_name="Ana Lima",
        party_size=2,
        table=window,
        start=datetime.combine(tomorrow, datetime.min.time(), tzinfo=restaurant_tz()).replace(hour=19),
    )

    driver = UserFactory(username="dan", first_name="Dan", roles=["delivery-crew"])
    cash = OrderFactory(status="out_for_delivery", delivery_crew=driver, payment_method="cash", items=2)
    transitions.order_status_change(order=cash, actor=driver, status="delivered")
    placed = OrderFactory(status="placed", items=1)

    mains = CategoryFactory(title="Mains", slug="mains")
    burger = burger_with_options(category=mains, slug="burger")
    fries = MenuItemFactory(title="Fries", slug="fries", category=mains, price=Decimal("4.00"))
    deal = combo_with_slots(
        title="Lunch Deal", slots=[("Main", [(burger, "0.00")]), ("Side", [(fries, "0.00"), (burger, "3.00")])]
    )
    station = station_with("Grill", mains)
    return {
        "invited": invited,
        "customer": cleo,
        "combination": combination,
        "booking": booking,
        "placed": placed,
        "mains": mains,
        "burger": burger,
        "group": burger.option_groups.order_by("pk").first(),
        "deal": deal,
        "slot": deal.slots.order_by("position").first(),
        "station": station,
    }


def staff_pages(data: dict) -> list[str]:
    deal = data["deal"].pk
    return [
        "/staff/people/",
        "/staff/people/invite/",
        f"/staff/people/customers/{data['customer'].pk}/",
        "/staff/floor/",  # today's (nothing booked) and the booking's day, the list of bookings under the timeline
        f"/staff/floor/?date={data['booking'].start.astimezone(restaurant_tz()).date()}",
        "/staff/floor/tables/",
        f"/staff/floor/tables/{data['booking'].table_id}/",
        "/staff/floor/combinations/",
        f"/staff/floor/combinations/{data['combination'].pk}/",
        f"/staff/floor/bookings/{data['booking'].pk}/",
        "/staff/orders/cash/",
        f"/staff/orders/{data['placed'].pk}/reject/",
        "/staff/menu/options/",
        "/staff/menu/options/add/",
        f"/staff/menu/options/{data['group'].pk}/",
        f"/staff/menu/dishes/{deal}/",
        f"/staff/menu/dishes/{deal}/slots/add/",
        f"/staff/menu/dishes/{deal}/slots/{data['slot'].pk}/",
        "/staff/menu/dishes/add/",
        "/staff/menu/categories/add/",
        f"/staff/menu/categories/{data['mains'].pk}/",
        f"/staff/menu/dishes/{data['burger'].pk}/remove/",
        f"/staff/kitchen/stations/{data['station'].pk}/",
        f"/staff/kitchen/stations/{data['station'].pk}/delete/",
    ]


def assert_fits_and_readable(page: Page, label: str) -> None:
    page.wait_for_load_state("load")  # every stylesheet applied
    assert horizontal_overflow(page) == 0, f"{label} scrolls sideways at {page.viewport_size['width']} px"
    assert_readable(page, label)


def authenticator_code(secret: str) -> str:
    """The code an authenticator app shows now for the secret the set-up page shows (base32)."""
    totp = TOTP(b32decode(secret.replace(" ", "")), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.mark.parametrize("viewport", ["page", "phone"])
def test_the_staff_pages_fit_and_meet_wcag_aa_contrast(request, viewport, back_office):
    page: Page = request.getfixturevalue(viewport)
    staff_log_in(page, "ada", PASSWORD, lands_on="/staff/orders/")

    for path in staff_pages(back_office):
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.locator("h1")).to_be_visible()
        assert_fits_and_readable(page, path)

    page.goto("/staff/people/")
    expect(page.get_by_text("nia@example.com")).to_be_visible()  # the invitation, still pending
    page.goto("/staff/people/invite/")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".field--invalid").first).to_be_visible()
    assert_fits_and_readable(page, "/staff/people/invite/ refused")


@pytest.mark.parametrize("viewport", ["page", "phone"])
def test_the_invitation_link_fits_and_meets_wcag_aa_contrast(request, viewport, back_office):
    page: Page = request.getfixturevalue(viewport)
    path = f"/account/invitation/{invitations.invitation_token(back_office['invited'])}/"

    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_fits_and_readable(page, "the invitation")
    page.get_by_label("Password").first.fill("123")
    page.get_by_role("button", name="Set my password").click()
    expect(page.locator(".field--invalid").first).to_be_visible()
    assert_fits_and_readable(page, "the invitation, a weak password refused")

    assert page.goto("/account/invitation/not-a-token/").status == 410
    assert_fits_and_readable(page, "a broken invitation link")


@pytest.mark.parametrize("viewport", ["page", "phone"])
def test_two_factor_set_up_fits_and_meets_wcag_aa_contrast(request, viewport, back_office):
    page: Page = request.getfixturevalue(viewport)
    staff_log_in(page, "mario", PASSWORD, lands_on="/staff/orders/")

    page.goto("/account/two-factor/")
    expect(page.get_by_role("img", name="QR code of your two-factor secret")).to_be_visible()
    assert_fits_and_readable(page, "/account/two-factor/ (set-up)")
    code = page.get_by_label("Code from your authenticator app")
    right = authenticator_code(page.locator(".two-factor-secret").inner_text())
    code.fill(f"{(int(right) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Turn two-factor log-in on").click()
    expect(page.locator(".field--invalid")).to_be_visible()
    assert_fits_and_readable(page, "/account/two-factor/ (a wrong code)")

    code.fill(authenticator_code(page.locator(".two-factor-secret").inner_text()))
    page.get_by_role("button", name="Turn two-factor log-in on").click()
    expect(page.get_by_role("heading", name="Turn it off")).to_be_visible()
    assert_fits_and_readable(page, "/account/two-factor/ (on)")

    page.context.clear_cookies()  # log in again, in a new session
    page.goto("/account/login/")
    page.get_by_label("Username").fill("mario")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_label("Code from your authenticator app")).to_be_visible()
    assert_fits_and_readable(page, "the log-in's code step")
