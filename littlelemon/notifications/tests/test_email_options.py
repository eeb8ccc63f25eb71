"""The receipt e-mail lists each line's chosen options with their prices."""

from decimal import Decimal

import pytest
from django.core import mail

from littlelemon.cart import services as cart_services
from littlelemon.events.relay import relay_run
from littlelemon.menu.tests.factories import MenuItemFactory, combo_with_slots, group_with_choices

pytestmark = pytest.mark.django_db


def test_the_receipt_lists_options_and_combo_components(place_order, diner):
    burger = MenuItemFactory(title="Burger", price=Decimal("12.50"))
    size = group_with_choices(dish=burger, name="Size", min_choices=1, choices=[("Large", "2.25")])
    deal = combo_with_slots(price="18.00", slots=[("A main", [(burger, "1.00")])])
    large = size.choices.get().pk
    cart_services.cart_item_add(owner=diner, menuitem_id=burger.pk, quantity=1, choices=[large])
    cart_services.cart_item_add(
        owner=diner,
        menuitem_id=deal.pk,
        quantity=1,
        slots=[{"slot": deal.slots.get().pk, "dish": burger.pk, "choices": [large]}],
    )
    place_order(diner)
    mail.outbox.clear()

    relay_run()

    [message] = [message for message in mail.outbox if "we have it" in message.subject]
    assert "  1 x Burger ($14.75 each)  $14.75\n      Size: Large (+$2.25)\n" in message.body
    assert "  1 x Lunch Deal ($21.25 each)  $21.25\n      A main: Burger (Size: Large) (+$1.00)\n" in message.body
    [(html, _)] = message.alternatives
    assert "Size: Large (+$2.25)" in html
