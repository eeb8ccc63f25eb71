"""A visitor's guest cart (the API's `X-Cart-Token`, the web pages' visitor): made on the first
add and not by a refused one, noted as used when written to, folded into an account's cart with
its options when its visitor signs in or up, and deleted once old."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from littlelemon.cart import selectors, services
from littlelemon.cart.enums import MAX_LINES, SkipReason
from littlelemon.cart.exceptions import ItemUnavailable, QuantityLimit
from littlelemon.cart.housekeeping import guest_carts_purge
from littlelemon.cart.models import CartLine, GuestCart
from littlelemon.cart.services import SkippedLine
from littlelemon.core.periodic import periodic_jobs
from littlelemon.menu.exceptions import OptionRequired
from littlelemon.menu.models import MenuItem, OptionChoice
from littlelemon.menu.tests.factories import MenuItemFactory, burger_with_options, combo_with_slots
from littlelemon.orders.tests.factories import OrderFactory

from .factories import CartLineFactory, choice_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def burger():
    return burger_with_options()


def guest_lines(guest_cart) -> list[tuple]:
    return list(
        CartLine.objects.filter(guest_cart=guest_cart).order_by("id").values_list("menuitem__title", "quantity")
    )


def account_lines(user) -> list[tuple]:
    return list(
        CartLine.objects.filter(user=user).order_by("id").values_list("menuitem__title", "quantity", "selection")
    )


class TestMadeOnTheFirstAdd:
    def test_the_first_add_makes_the_guest_cart_and_the_next_adds_to_it(self, burger):
        guest_cart, line = services.guest_cart_item_add(
            guest_cart=None, menuitem_id=burger.pk, quantity=2, choices=choice_ids("Large", "Bacon")
        )
        same, again = services.guest_cart_item_add(
            guest_cart=guest_cart, menuitem_id=burger.pk, quantity=1, choices=choice_ids("Bacon", "Large")
        )

        assert GuestCart.objects.get() == guest_cart == same
        assert again.pk == line.pk and again.quantity == 3
        assert again.unit_price == Decimal("16.25")
        assert guest_lines(guest_cart) == [("Burger", 3)]

    @pytest.mark.parametrize(
        ("choices", "quantity", "error"),
        [(["Cheese"], 1, OptionRequired), (["Regular"], 100, QuantityLimit), (None, 1, ItemUnavailable)],
    )
    def test_a_refused_first_add_makes_no_guest_cart(self, burger, choices, quantity, error):
        dish = burger if choices else MenuItemFactory(available=False)

        with pytest.raises(error):
            services.guest_cart_item_add(
                guest_cart=None,
                menuitem_id=dish.pk,
                quantity=quantity,
                choices=choice_ids(*choices) if choices else None,
            )

        assert not GuestCart.objects.exists()
        assert not CartLine.objects.exists()

    def test_writing_to_a_guest_cart_notes_it_is_used_at_most_once_an_hour(self):
        guest_cart = GuestCart.objects.create(last_seen=timezone.now() - timedelta(hours=2))
        dish = MenuItemFactory()

        services.guest_cart_item_add(guest_cart=guest_cart, menuitem_id=dish.pk, quantity=1)
        seen = GuestCart.objects.get().last_seen
        services.guest_cart_item_add(guest_cart=guest_cart, menuitem_id=dish.pk, quantity=1)

        assert timezone.now() - seen < timedelta(minutes=1)
        assert GuestCart.objects.get().last_seen == seen

    def test_its_quantity_is_one_query(self, django_assert_num_queries):
        guest_cart = GuestCart.objects.create()
        CartLineFactory(user=None, guest_cart=guest_cart, quantity=2)
        CartLineFactory(user=None, guest_cart=guest_cart, quantity=3)
        CartLineFactory(quantity=9)

        with django_assert_num_queries(1):
            assert selectors.cart_quantity(owner=guest_cart) == 5


class TestMerge:
    def test_the_lines_come_with_their_options_and_combo_slots_and_the_guest_cart_is_emptied(self, customer, burger):
        fries = MenuItemFactory(title="Fries", price=Decimal("3.00"))
        deal = combo_with_slots(price="18.00", slots=[("A main", [(burger, "0")]), ("A side", [(fries, "0.50")])])
        main, side = deal.slots.all()
        slots = [
            {"slot": main.pk, "dish": burger.pk, "choices": choice_ids("Large")},
            {"slot": side.pk, "dish": fries.pk, "choices": []},
        ]
        guest_cart, _ = services.guest_cart_item_add(
            guest_cart=None, menuitem_id=burger.pk, quantity=2, choices=choice_ids("Regular", "Cheese")
        )
        services.guest_cart_item_add(guest_cart=guest_cart, menuitem_id=deal.pk, quantity=1, slots=slots)
        services.cart_item_add(
            owner=customer, menuitem_id=burger.pk, quantity=1, choices=choice_ids("Cheese", "Regular")
        )

        skipped = services.cart_merge(user=customer, guest_cart=guest_cart)

        assert skipped == []
        assert account_lines(customer) == [
            ("Burger", 3, {"choices": choice_ids("Regular", "Cheese")}),  # the same options: one line
            ("Lunch Deal", 1, {"choices": [], "slots": slots}),
        ]
        cart = selectors.cart_get(owner=customer)
        assert [line.unit_price for line in cart.lines] == [Decimal("13.50"), Decimal("20.75")]
        assert guest_lines(guest_cart) == []

    def test_what_cannot_come_along_is_named_with_why(self, customer, burger):
        guest_cart = GuestCart.objects.create()
        sold_out = MenuItemFactory(title="Moussaka")
        gone = MenuItemFactory(title="Kebab")
        near_full = MenuItemFactory(title="Hummus")
        for dish, quantity in ((sold_out, 1), (gone, 2), (near_full, 10)):
            services.cart_item_add(owner=guest_cart, menuitem_id=dish.pk, quantity=quantity)
        services.cart_item_add(
            owner=guest_cart, menuitem_id=burger.pk, quantity=1, choices=choice_ids("Regular", "Bacon")
        )
        CartLineFactory(user=customer, menuitem=near_full, quantity=95)
        MenuItem.objects.filter(pk=sold_out.pk).update(available=False)
        MenuItem.objects.filter(pk=gone.pk).update(archived=True)
        OptionChoice.objects.filter(name="Bacon").update(available=False)

        skipped = services.cart_merge(user=customer, guest_cart=guest_cart)

        assert skipped == [
            SkippedLine("Moussaka", 1, SkipReason.UNAVAILABLE),
            SkippedLine("Kebab", 2, SkipReason.GONE),
            SkippedLine("Burger", 1, SkipReason.OPTIONS_CHANGED),
        ]
        assert [line[:2] for line in account_lines(customer)] == [("Hummus", 99)]  # capped, not refused
        assert guest_lines(guest_cart) == []

    def test_a_full_account_cart_leaves_new_lines_behind(self, customer):
        for _ in range(MAX_LINES):
            CartLineFactory(user=customer)
        guest_cart = GuestCart.objects.create()
        services.cart_item_add(owner=guest_cart, menuitem_id=MenuItemFactory(title="Falafel").pk, quantity=1)

        assert services.cart_merge(user=customer, guest_cart=guest_cart) == [
            SkippedLine("Falafel", 1, SkipReason.CART_FULL)
        ]

    def test_merging_an_empty_guest_cart_changes_nothing(self, customer):
        assert services.cart_merge(user=customer, guest_cart=GuestCart.objects.create()) == []
        assert account_lines(customer) == []


class TestPurge:
    def test_guest_carts_unused_for_the_ttl_go_with_their_lines_and_orders_keep_their_guest(self, settings):
        settings.GUEST_CART_TTL_DAYS = 30
        now = timezone.now()
        old = GuestCart.objects.create(last_seen=now - timedelta(days=31))
        recent = GuestCart.objects.create(last_seen=now - timedelta(days=29))
        CartLineFactory(user=None, guest_cart=old)
        CartLineFactory(user=None, guest_cart=recent)
        order = OrderFactory(customer=None, guest_name="Gina", guest_email="gina@example.com", guest_cart=old)

        assert guest_carts_purge(now=now) == 1
        assert guest_carts_purge(now=now) == 0

        assert list(GuestCart.objects.all()) == [recent]
        assert list(CartLine.objects.values_list("guest_cart", flat=True)) == [recent.pk]
        order.refresh_from_db()
        assert (order.guest_cart, order.guest_name) == (None, "Gina")

    def test_it_runs_every_hour(self):
        jobs = {job.name: job.every for job in periodic_jobs()}

        assert jobs["littlelemon.cart.tasks.guest_carts_expire"] == timedelta(hours=1)
