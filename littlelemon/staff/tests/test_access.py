"""Who opens which staff screen, where each role lands after logging in, and the headers' links."""

import pytest
from django.urls import reverse

from conftest import user_with_role
from littlelemon.web.tests.htmltext import texts

from ..access import screens_for, staff_home_url

pytestmark = pytest.mark.django_db

LANDING = {
    "kitchen": "/staff/kitchen/",
    "delivery-crew": "/staff/deliveries/",
    "manager": "/staff/orders/",
    "admin": "/staff/orders/",
}
SCREENS = {
    "customer": [],
    "kitchen": ["Kitchen"],
    "delivery-crew": ["Deliveries"],
    "manager": ["Orders board", "Kitchen", "Bookings", "Menu", "Settings", "Reports", "Staff"],
    "admin": ["Orders board", "Kitchen", "Bookings", "Menu", "Settings", "Reports", "Staff"],
}


@pytest.mark.parametrize("role", SCREENS)
def test_each_role_has_its_screens(role):
    user = user_with_role(role)

    assert [screen.label for screen in screens_for(user)] == SCREENS[role]
    assert staff_home_url(user) == LANDING.get(role)


@pytest.mark.django_db
def test_a_visitor_has_no_screens():
    from django.contrib.auth.models import AnonymousUser

    assert screens_for(AnonymousUser()) == [] and staff_home_url(AnonymousUser()) is None


@pytest.mark.parametrize("role", LANDING)
def test_a_staff_log_in_lands_on_the_roles_screen(client, role):
    user = user_with_role(role, username=f"who-{role}")
    user.set_password("a-long-enough-password")
    user.save()

    response = client.post(
        reverse("web:login") + "?next=/", {"username": user.username, "password": "a-long-enough-password"}
    )

    assert response.status_code == 302 and response["Location"] == LANDING[role]


def test_a_staff_member_on_the_way_to_a_staff_page_goes_there(client, manager):
    manager.set_password("a-long-enough-password")
    manager.save()

    response = client.post(
        reverse("web:login") + "?next=/staff/kitchen/",
        {"username": manager.username, "password": "a-long-enough-password"},
    )

    assert response["Location"] == "/staff/kitchen/"


def test_a_customer_log_in_goes_back_where_they_were(client, customer):
    customer.set_password("a-long-enough-password")
    customer.save()

    response = client.post(
        reverse("web:login") + "?next=/menu/", {"username": customer.username, "password": "a-long-enough-password"}
    )

    assert response["Location"] == "/menu/"


@pytest.mark.parametrize(("role", "expected"), [(None, 302), ("customer", 403), *[(r, 302) for r in LANDING]])
def test_the_staff_home_sends_each_to_their_screen(client, role, expected):
    if role:
        client.force_login(user_with_role(role))

    response = client.get(reverse("staff:home"))

    assert response.status_code == expected
    if role in LANDING:
        assert response["Location"] == LANDING[role]
    elif role is None:
        assert response["Location"].startswith("/account/login/")


@pytest.mark.parametrize("role", SCREENS)
def test_the_customer_header_links_staff_to_their_screens(client, role):
    client.force_login(user_with_role(role))

    html = client.get(reverse("web:menu")).content

    assert texts(html, css_class="staff-link") == SCREENS[role]
