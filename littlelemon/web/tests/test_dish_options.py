"""The dish page with options (fieldsets, radio buttons and checkboxes, messages next to the
group), a combo page (a dish per slot), the cart and order pages showing each line's options,
and the kitchen's ticket showing them too. Without JavaScript: plain POSTs."""

from decimal import Decimal

import pytest
from django.urls import reverse

from littlelemon.cart import services as cart_services
from littlelemon.cart.models import CartLine, GuestCart
from littlelemon.menu.models import OptionChoice
from littlelemon.menu.tests.factories import MenuItemFactory, burger_with_options, combo_with_slots, group_with_choices
from littlelemon.orders import placement
from littlelemon.orders.models import Order
from littlelemon.restaurant.selectors import restaurant_today
from littlelemon.restaurant.services import restaurant_settings_update

from .htmltext import elements, text, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def burger(db):
    restaurant_settings_update(data={"minimum_order": Decimal("0")})
    return burger_with_options(slug="burger")


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

    def test_a_visitors_broken_rule_is_shown_next_to_its_group_and_nothing_is_made(self, client, burger):
        response = post(client, burger, "Cheese")

        assert response.status_code == 400
        assert text(response.content, id=f"group-{choice('Regular').group_id}-error") == "Choose a size for Burger."
        assert not GuestCart.objects.exists() and not CartLine.objects.exists()

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


def combo(burger):
    fries = MenuItemFactory(title="Fries", price=Decimal("3.00"))
    deal = combo_with_slots(price="18.00", slots=[("A main", [(burger, "0")]), ("A side", [(fries, "0.50")])])
    main, side = deal.slots.all()
    return deal, {
        f"slot_{main.pk}": burger.pk,
        f"slot_{main.pk}_{burger.pk}_group_{choice('Large').group_id}": choice("Large").pk,
        f"slot_{main.pk}_{burger.pk}_group_{choice('Bacon').group_id}": [choice("Bacon").pk],
        f"slot_{side.pk}": fries.pk,
        "quantity": 1,
    }


class TestAVisitor:
    """Without an account and without JavaScript (plain form posts): the visitor's guest cart
    takes options and combos as an account's cart does."""

    def test_chooses_options_and_a_combo_and_the_cart_shows_each_lines_options(self, client, burger):
        deal, deal_form = combo(burger)

        first = post(client, burger, "Large", "Cheese", "Bacon", quantity=2)
        second = post(client, burger, "Regular")
        again = post(client, burger, "Bacon", "Cheese", "Large")  # the first line's options again
        with_combo = client.post(reverse("web:dish_add", args=[deal.slug]), deal_form)

        assert [response.status_code for response in (first, second, again, with_combo)] == [302] * 4
        lines = CartLine.objects.filter(guest_cart__token=client.session["guest_cart"]).order_by("id")
        assert [(line.menuitem.title, line.quantity, line.price_when_added) for line in lines] == [
            ("Burger", 3, Decimal("17.25")),  # 12.50 + 2.25 + 1.00 + 1.50
            ("Burger", 1, Decimal("12.50")),  # other options: another line
            ("Lunch Deal", 1, Decimal("22.25")),  # 18.00 + 2.25 + 1.50 + 0.50
        ]
        cart = client.get(reverse("web:cart")).content.decode()
        assert "Size:</span> Large (+$2.25)" in cart and "Extras:</span> Bacon (+$1.50)" in cart
        assert "Size:</span> Regular" in cart
        assert "A main:</span> Burger" in cart and "Size: Large" in cart
        assert texts(cart, css_class="cart-line__price") == ["$51.75", "$12.50", "$22.25"]
        assert text(cart, css_class="cart-link__count") == "5"

    def test_checks_out_as_a_guest_and_the_orders_items_carry_the_options(self, client, burger):
        deal, deal_form = combo(burger)
        post(client, burger, "Large", "Cheese", "Bacon")
        client.post(reverse("web:dish_add", args=[deal.slug]), deal_form)

        response = client.post(
            reverse("web:checkout"),
            {
                "guest_name": "Gina Guest",
                "guest_email": "gina@example.com",
                "guest_phone": "+1 555 010 0200",
                "fulfilment": "pickup",
                "when": "asap",
                "payment_method": "cash",
                "idempotency_key": "guest-options-1",
            },
            follow=True,
        )

        order = Order.objects.get()
        assert order.customer is None and order.guest_name == "Gina Guest"
        items = list(order.items.order_by("id"))
        assert [(item.title, item.unit_price) for item in items] == [
            ("Burger", Decimal("17.25")),
            ("Lunch Deal", Decimal("22.25")),
        ]
        assert items[0].options == [
            {"group": "Size", "choice": "Large", "price_delta": "2.25"},
            {"group": "Extras", "choice": "Cheese", "price_delta": "1.00"},
            {"group": "Extras", "choice": "Bacon", "price_delta": "1.50"},
        ]
        assert [(slot["slot"], slot["dish"]) for slot in items[1].options] == [
            ("A main", "Burger"),
            ("A side", "Fries"),
        ]
        assert [option["choice"] for option in items[1].options[0]["options"]] == ["Large", "Bacon"]
        tracking = response.content.decode()
        assert "Size:</span> Large (+$2.25)" in tracking and "A main:</span> Burger" in tracking
        assert not CartLine.objects.exists()

    @pytest.mark.parametrize("how", ["signup", "login"])
    def test_signing_in_or_up_carries_the_option_lines_into_the_accounts_cart(self, client, burger, how):
        from littlelemon.accounts.models import User
        from littlelemon.accounts.tests.factories import UserFactory

        deal, deal_form = combo(burger)
        post(client, burger, "Large", "Cheese", quantity=2)
        client.post(reverse("web:dish_add", args=[deal.slug]), deal_form)
        guest_selections = list(CartLine.objects.order_by("id").values_list("selection", flat=True))
        if how == "login":
            tilly = UserFactory(username="tilly", password="lemons are sunshine")
            services_add = cart_services.cart_item_add
            services_add(
                owner=tilly, menuitem_id=burger.pk, quantity=1, choices=[choice("Cheese").pk, choice("Large").pk]
            )
            client.post(reverse("web:login"), {"username": "tilly", "password": "lemons are sunshine"})
        else:
            client.post(
                reverse("web:signup"),
                {"username": "tilly", "email": "tilly@example.com", "password": "lemons are sunshine"},
            )

        tilly = User.objects.get(username="tilly")
        lines = CartLine.objects.filter(user=tilly).order_by("id")
        assert [(line.menuitem.title, line.quantity) for line in lines] == [
            ("Burger", 3 if how == "login" else 2),
            ("Lunch Deal", 1),
        ]
        assert [line.selection for line in lines] == guest_selections
        assert not CartLine.objects.filter(guest_cart__isnull=False).exists()
        assert "guest_cart" not in client.session
        cart = client.get(reverse("web:cart")).content.decode()
        assert "Size:</span> Large (+$2.25)" in cart and "A main:</span> Burger" in cart


@pytest.mark.parametrize("size", [1, 6])
def test_a_visitors_cart_page_with_options_is_a_fixed_number_of_queries(
    client, burger, django_assert_num_queries, size
):
    for position in range(size):
        group_with_choices(dish=burger, max_choices=2, choices=[("x", "1")] * size, position=position + 2)
    deal, deal_form = combo(burger)
    for _ in range(size):
        post(client, burger, "Large", "Cheese", quantity=1, extra={field("Bacon"): [choice("Bacon").pk]})
        post(client, burger, "Regular")
    client.post(reverse("web:dish_add", args=[deal.slug]), deal_form)
    client.get(reverse("web:cart"))

    # the cart page's nine (test_cart.py), and the options: the slots, the dishes they offer, the
    # groups, their choices
    with django_assert_num_queries(13):
        response = client.get(reverse("web:cart"))
    assert len(texts(response.content, css_class="cart-line__title")) == 3
