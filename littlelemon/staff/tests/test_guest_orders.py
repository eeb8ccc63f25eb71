"""A guest's order (no customer) on the staff screens: named by the guest's details, escaped,
and searchable by them."""

import pytest
from django.urls import reverse

from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def guest_order(**fields):
    return OrderFactory(
        customer=None,
        guest_name="Gina <b>Guest</b>",
        guest_email="gina@example.com",
        guest_phone="+1 312 555 0199",
        items=1,
        **fields,
    )


def test_the_board_and_the_order_page_name_the_guest(client, manager):
    order = guest_order()
    client.force_login(manager)

    board = client.get(reverse("staff:orders")).content.decode()
    detail = client.get(reverse("staff:order_detail", args=[order.pk])).content.decode()

    assert "Gina &lt;b&gt;Guest&lt;/b&gt;" in board and "<b>Guest</b>" not in board
    assert "Gina &lt;b&gt;Guest&lt;/b&gt;" in detail
    assert 'href="tel:+13125550199"' in detail
    assert "gina@example.com" in detail and "(guest, no account)" in detail


def test_the_board_finds_a_guest_order_by_name_phone_or_email(client, manager):
    order = guest_order()
    OrderFactory()
    client.force_login(manager)

    for query in ("gina", "0199", "gina@example"):
        html = client.get(reverse("staff:orders"), {"q": query}).content.decode()
        assert f"#{order.pk}</a> Gina &lt;b&gt;Guest&lt;/b&gt;" in html, query


def test_the_kitchen_display_names_the_guest(client, kitchen_user):
    guest_order(status=OrderStatus.ACCEPTED)
    client.force_login(kitchen_user)

    html = client.get(reverse("staff:kitchen_board")).content.decode()

    assert "· Gina &lt;b&gt;" in html and "<b>" not in html  # the name, escaped (then shortened)
