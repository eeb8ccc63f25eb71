"""The dish page with options (fieldsets, radio buttons and checkboxes, messages next to the
group), a combo page (a dish per slot), the cart and order pages showing each line's options,
and the kitchen's ticket showing them too. Without JavaScript: plain POSTs."""

from decimal import Decimal

import pytest
from django.urls import reverse

from littlelemon.cart import services as cart_services
from littlelemon.cart.models import CartLine
from littlelemon.menu.models import OptionChoice
from littlelemon.menu.tests.factories import MenuItemFactory, combo_with_slots, group_with_choices
from littlelemon.orders import placement
from littlelemon.orders.models import Order
from littlelemon.restaurant.selectors import restaurant_today
from littlelemon.restaurant.services import restaurant_settings_update

from .htmltext import elements, text, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def burger(db):
    restaurant_settings_update(data={"minimum_order": Decimal("0")})
    dish = MenuItemFactory(title="Burger", slug="burger", price=Decimal("12.50"))
    group_with_choices(
        dish=dish, name="Size", min_choices=1, max_choices=1, choices=[("Regular", "0"), ("Large", "2.25")]
    )
    group_with_choices(
        dish=dish,
        name="Extras",
        max_choices=3,
        choices=[("Cheese", "1.00"), ("Bacon", "1.50"), ("Egg", "1.25"), ("Avocado", "1.75")],
        position=1,
    )
    return dish


def choice(name):
    return OptionChoice.objects.get(name=name)


def field(name):
    """The form field name of a choice's group (`group_<id>`)."""
    return f"group_{choice(name).group_id}"


def post(client, dish, *names, quantity=1, extra=None):
    data = {"quantity": quantity, **(extra or {})}
    for name in names:
        data.setdefault(field(name), []).append(choice(name).pk)
    return client.post(reverse("web:dish_add", args=[dish.slug]), data)


class TestDishPage:
    def test_groups_are_fieldsets_with_legends_radio_buttons_and_checkboxes(self, client, burger):
        response = client.get(reverse("web:dish", args=["burger"]))

        assert response.status_code == 200
        legends = texts(response.content, tag="legend")
        assert legends[0].startswith("Size") and "(choose one)" in legends[0]
        assert legends[1].startswith("Extras") and "(up to 3)" in legends[1]
        inputs = [
            attrs for tag, attrs in elements(response.content) if tag == "input" and attrs.get("data-price-delta")
        ]
        assert [(attrs["type"], attrs["name"]) for attrs in inputs] == [
            ("radio", field("Regular")),
            ("radio", field("Large")),
            *[("checkbox", field("Cheese"))] * 4,
        ]
        assert "+$2.25" in response.content.decode()
        assert b"web/options.js" in response.content

    def test_a_menu_card_links_a_dish_with_options_to_its_page(self, client, burger):
        response = client.get(reverse("web:menu"))

        assert "Choose options" in response.content.decode()

    def test_choosing_adds_a_line_with_its_options_and_the_cart_shows_them(self, client, customer, burger):
        client.force_login(customer)

        response = post(client, burger, "Large", "Cheese", "Bacon", quantity=2)

        assert response.status_code == 302 and response.url == reverse("web:cart")
        line = CartLine.objects.get(user=customer)
        assert (line.quantity, line.price_when_added) == (2, Decimal("17.25"))
        cart = client.get(reverse("web:cart")).content.decode()
        assert "Size:</span> Large (+$2.25)" in cart
        assert "Extras:</span> Bacon (+$1.50)" in cart
        assert "$17.25 each" in cart

    @pytest.mark.parametrize(
        ("names", "message"),
        [
            (["Cheese"], "Choose a size for Burger."),
            (["Regular", "Cheese", "Bacon", "Egg", "Avocado"], "Up to 3 extras for Burger."),
        ],
    )
    def test_a_broken_rule_is_shown_next_to_its_group_and_nothing_is_added(
        self, client, customer, burger, names, message
    ):
        client.force_login(customer)

        response = post(client, burger, *names)

        assert response.status_code == 400
        group = choice(names[-1]).group if "size" not in message else choice("Regular").group
        assert text(response.content, id=f"group-{group.pk}-error") == message
        assert not CartLine.objects.exists()
        # what was chosen is still chosen
        checked = [attrs["value"] for tag, attrs in elements(response.content) if tag == "input" and "checked" in attrs]
        assert checked == [str(choice(name).pk) for name in names]

    def test_a_visitor_is_asked_to_sign_in_for_options(self, client, burger):
        response = post(client, burger, "Regular")

        assert response.status_code == 400
        assert "Sign in to choose" in response.content.decode()

    def test_a_combo_page_picks_a_dish_per_slot_with_its_options(self, client, customer, burger):
        fries = MenuItemFactory(title="Fries", price=Decimal("3.00"))
        deal = combo_with_slots(price="18.00", slots=[("A main", [(burger, "0")]), ("A side", [(fries, "0.50")])])
        main, side = deal.slots.all()
        client.force_login(customer)

        page = client.get(reverse("web:dish", args=[deal.slug])).content.decode()
        response = client.post(
            reverse("web:dish_add", args=[deal.slug]),
            {
                f"slot_{main.pk}": burger.pk,
                f"slot_{main.pk}_{burger.pk}_group_{choice('Large').group_id}": choice("Large").pk,
                f"slot_{side.pk}": fries.pk,
                "quantity": 1,
            },
        )

        assert '<legend class="field__label">A main</legend>' in page
        assert response.status_code == 302
        line = CartLine.objects.get(user=customer)
        assert line.price_when_added == Decimal("20.75")  # 18.00 + 2.25 + 0.50
        cart = client.get(reverse("web:cart")).content.decode()
        assert "A main:</span> Burger" in cart and "Size: Large" in cart

    def test_a_component_out_of_todays_portions_is_shown_sold_out_and_refused(self, client, customer, burger):
        fries = MenuItemFactory(title="Fries", daily_portions=10)
        salad = MenuItemFactory(title="Salad")
        type(fries).objects.filter(pk=fries.pk).update(portions_left=0, portions_date=restaurant_today())
        deal = combo_with_slots(slots=[("A side", [(fries, "0"), (salad, "0")])])
        side = deal.slots.get()
        client.force_login(customer)

        page = client.get(reverse("web:dish", args=[deal.slug])).content.decode()
        response = client.post(reverse("web:dish_add", args=[deal.slug]), {f"slot_{side.pk}": fries.pk, "quantity": 1})

        radios = {attrs["value"]: attrs for tag, attrs in elements(page) if attrs.get("name") == f"slot_{side.pk}"}
        assert ("disabled" in radios[str(fries.pk)], "disabled" in radios[str(salad.pk)]) == (True, False)
        assert 'Fries <span class="choice__note">(sold out)</span>' in page
        assert response.status_code == 400
        assert text(response.content, id=f"slot-{side.pk}-error") == "Fries is sold out for today: choose another side."
        assert not CartLine.objects.exists()

    def test_a_combo_slot_left_empty_is_shown_next_to_it(self, client, customer, burger):
        fries = MenuItemFactory(title="Fries")
        deal = combo_with_slots(slots=[("A side", [(fries, "0")])])
        client.force_login(customer)

        response = client.post(reverse("web:dish_add", args=[deal.slug]), {"quantity": 1})

        assert response.status_code == 400
        assert text(response.content, id=f"slot-{deal.slots.get().pk}-error") == "Choose a side for Lunch Deal."
        assert not CartLine.objects.exists()


@pytest.mark.parametrize("size", [1, 6])
def test_the_dish_page_is_a_fixed_number_of_queries_whatever_its_options(
    client, burger, django_assert_num_queries, size
):
    for position in range(size):
        group_with_choices(dish=burger, max_choices=2, choices=[("x", "1")] * size, position=position + 2)
    client.get(reverse("web:dish", args=["burger"]))  # warm the caches (restaurant settings)

    # the dish (with `has_options`), the time windows, its groups, their choices; pairs well with:
    # its pairs, popular now; settings, hours, closures: the same at any size
    with django_assert_num_queries(9):
        response = client.get(reverse("web:dish", args=["burger"]))

    assert response.status_code == 200


def test_the_order_page_the_boards_page_and_the_kitchens_ticket_show_the_options(
    client, customer, manager, kitchen_user, burger
):
    cart_services.cart_item_add(
        owner=customer, menuitem_id=burger.pk, quantity=1, choices=[choice("Large").pk, choice("Egg").pk]
    )
    order, _ = placement.order_place(customer=customer, fulfilment="pickup")
    Order.objects.filter(pk=order.pk).update(status="accepted")  # the kitchen cooks accepted orders

    client.force_login(customer)
    mine = client.get(reverse("web:order", args=[order.pk])).content.decode()
    client.force_login(manager)
    board = client.get(reverse("staff:order_detail", args=[order.pk])).content.decode()
    client.force_login(kitchen_user)
    kitchen = client.get(reverse("staff:kitchen")).content.decode()

    assert "Size:</span> Large (+$2.25)" in mine and "Extras:</span> Egg (+$1.25)" in mine
    assert "Size:</span> Large" in board
    assert "Size:</span> Large" in kitchen and "(+$2.25)" not in kitchen
