"""The cart page without JavaScript (plain POSTs and redirects) and with htmx (fragments): a
visitor's guest cart (its token in the session, made on the first add), a customer's cart,
totals as checkout charges them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from littlelemon.cart.models import CartLine, GuestCart
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.restaurant.services import restaurant_settings_update
from littlelemon.web.cart import GUEST_CART_KEY

from .htmltext import text, texts

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def add(client, item, quantity=None, **headers):
    data = {"menuitem": item.pk, "next": "/menu/"}
    if quantity is not None:
        data["quantity"] = quantity
    return client.post(reverse("web:cart_add"), data, headers=headers)


def guest_lines(client) -> list[tuple[int, int]]:
    """The (dish id, quantity) lines of the guest cart the client's session names."""
    lines = CartLine.objects.filter(guest_cart__token=client.session.get(GUEST_CART_KEY, "-"))
    return list(lines.order_by("id").values_list("menuitem_id", "quantity"))


def line_id(client, item) -> int:
    return CartLine.objects.get(guest_cart__token=client.session[GUEST_CART_KEY], menuitem=item).pk


@pytest.fixture
def priced(db):
    restaurant_settings_update(
        data={"tax_rate": Decimal("10.00"), "delivery_fee": Decimal("4.00"), "minimum_order": Decimal("0")}
    )


class TestVisitorWithoutJavaScript:
    def test_browsing_makes_no_cart_and_the_first_add_makes_the_sessions_guest_cart(self, client, menu):
        client.get("/menu/")
        client.get(reverse("web:cart"))
        assert not GuestCart.objects.exists()

        response = add(client, menu["hummus"], 2)

        assert response.status_code == 302 and response.url == "/menu/"
        assert client.session[GUEST_CART_KEY] == GuestCart.objects.get().token
        assert guest_lines(client) == [(menu["hummus"].pk, 2)]
        assert not CartLine.objects.filter(user__isnull=False).exists()
        page = client.get("/menu/").content
        assert text(page, css_class="message--success") == "Hummus is in your cart (2)."
        assert text(page, css_class="cart-link__count") == "2"

    def test_the_cart_page_shows_lines_and_totals_with_tax_and_delivery_fee(self, client, menu, priced):
        add(client, menu["hummus"], 2)  # 13.00
        add(client, menu["moussaka"])  # 18.50

        page = client.get(reverse("web:cart")).content

        assert texts(page, css_class="cart-line__title") == ["Hummus", "Moussaka"]
        assert texts(page, css_class="cart-line__price") == ["$13.00", "$18.50"]
        # 31.50 + 4.00 delivery, and 10% tax on both, as order_place charges it
        totals = text(page, css_class="totals")
        assert totals == "Subtotal $31.50 Delivery fee $4.00 Tax (10%) $3.55 Total with delivery $39.05"
        assert text(page, css_class="cart-summary__pickup") == "Collecting it yourself: $34.65 (no delivery fee)."

    def test_change_quantity_by_typing_and_by_stepping(self, client, menu):
        add(client, menu["hummus"], 2)
        key = line_id(client, menu["hummus"])

        response = client.post(reverse("web:cart_line_update", args=[key]), {"quantity": "5"})
        assert response.status_code == 302 and response.url == reverse("web:cart")
        assert guest_lines(client) == [(menu["hummus"].pk, 5)]

        client.post(reverse("web:cart_line_update", args=[key]), {"quantity": "5", "step": "-1"})
        assert guest_lines(client) == [(menu["hummus"].pk, 4)]
        page = client.get(reverse("web:cart")).content
        assert texts(page, css_class="message--success")[-1] == "Hummus: 4 in your cart."

    def test_a_bad_quantity_is_refused_next_to_its_line_and_changes_nothing(self, client, menu):
        add(client, menu["hummus"], 2)
        key = line_id(client, menu["hummus"])

        response = client.post(reverse("web:cart_line_update", args=[key]), {"quantity": "120"})

        assert response.status_code == 200
        assert text(response.content, id=f"quantity-{key}-error") == "Quantity must be between 1 and 99."
        assert 'value="120"' in response.content.decode()  # what was typed stays
        assert guest_lines(client) == [(menu["hummus"].pk, 2)]

    def test_remove(self, client, menu):
        add(client, menu["hummus"])
        add(client, menu["moussaka"])

        client.post(reverse("web:cart_line_remove", args=[line_id(client, menu["hummus"])]))

        assert guest_lines(client) == [(menu["moussaka"].pk, 1)]
        page = client.get(reverse("web:cart")).content
        assert texts(page, css_class="message--success")[-1] == "Hummus is out of your cart."

    def test_a_sold_out_dish_cannot_be_added(self, client, menu):
        response = add(client, menu["lamb"])

        assert response.status_code == 302
        assert GUEST_CART_KEY not in client.session
        assert not GuestCart.objects.exists()
        page = client.get("/menu/").content
        assert "Lamb Shank" in text(page, css_class="message--error")

    def test_a_dish_that_sold_out_since_is_flagged_and_checkout_is_not_offered(self, client, menu):
        add(client, menu["hummus"])
        menu["hummus"].available = False
        menu["hummus"].save()

        page = client.get(reverse("web:cart")).content

        assert text(page, css_class="cart-line__warning") == "Sold out since you added it: remove it to order."
        assert "Hummus sold out since you added it" in text(page, css_class="notice--problem")
        assert "Go to checkout" not in page.decode()

    def test_under_the_minimum_says_by_how_much(self, client, menu):
        restaurant_settings_update(data={"minimum_order": Decimal("20.00")})
        add(client, menu["hummus"])

        page = client.get(reverse("web:cart")).content

        assert text(page, css_class="notice--problem") == "The minimum order is $20.00: add $13.50 more to order."
        assert "Go to checkout" not in page.decode()

    def test_every_change_is_a_post_with_csrf(self, menu):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        response = add(client, menu["hummus"])
        assert response.status_code == 403
        assert GUEST_CART_KEY not in client.session
        assert not GuestCart.objects.exists()
        assert client.get(reverse("web:cart_add")).status_code == 405


class TestHtmx:
    def test_add_to_cart_answers_a_confirmation_and_the_header_badge_out_of_band(self, client, menu):
        response = add(client, menu["hummus"], 3, **HTMX)

        html = response.content.decode()
        assert response.status_code == 200 and "<html" not in html
        assert text(html, css_class="add-to-cart__done") == "Hummus is in your cart (3)."
        assert 'id="cart-link"' in html and 'hx-swap-oob="true"' in html
        assert text(html, css_class="cart-link__count") == "3"

    def test_a_quantity_change_answers_the_cart_and_announces_it(self, client, menu):
        add(client, menu["hummus"])

        response = client.post(
            reverse("web:cart_line_update", args=[line_id(client, menu["hummus"])]),
            {"quantity": "1", "step": "1"},
            headers=HTMX,
        )

        html = response.content.decode()
        assert html.lstrip().startswith('<div id="cart" class="cart">')
        assert text(html, id="cart-status") == "Hummus: 2 in your cart."
        assert text(html, css_class="cart-link__count") == "2"


class TestCustomer:
    def test_a_customer_cart_is_the_database_one(self, client, customer, menu):
        client.force_login(customer)

        add(client, menu["tagine"], 2)

        line = CartLine.objects.get(user=customer)
        assert (line.menuitem_id, line.quantity) == (menu["tagine"].pk, 2)
        client.post(reverse("web:cart_line_update", args=[line.pk]), {"quantity": "3"})
        assert CartLine.objects.get(user=customer).quantity == 3
        client.post(reverse("web:cart_line_remove", args=[line.pk]))
        assert not CartLine.objects.filter(user=customer).exists()

    def test_another_customers_line_cannot_be_changed(self, client, customer, other_customer, menu):
        theirs = CartLineFactory(user=other_customer, menuitem=menu["hummus"], quantity=2)
        client.force_login(customer)

        response = client.post(reverse("web:cart_line_update", args=[theirs.pk]), {"quantity": "9"})

        assert response.status_code == 200  # the cart page again, with the refusal
        theirs.refresh_from_db()
        assert theirs.quantity == 2


class TestEscaping:
    def test_a_dish_title_with_markup_is_shown_as_text(self, client, menu):
        menu["hummus"].title = '<script>alert("x")</script>Hummus'
        menu["hummus"].save()
        add(client, menu["hummus"])

        html = client.get(reverse("web:cart")).content.decode()

        assert '<script>alert("x")</script>' not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Hummus" in html


@pytest.mark.parametrize("lines", [1, 12])
def test_the_cart_page_runs_fixed_queries_whatever_its_size(client, customer, lines, django_assert_num_queries):
    from littlelemon.menu.tests.factories import MenuItemFactory
    from littlelemon.recommendations.models import ItemPopularity

    for _ in range(lines):
        CartLineFactory(user=customer, menuitem=MenuItemFactory())
    for dish in MenuItemFactory.create_batch(lines):
        ItemPopularity.objects.create(item=dish, weekday=-1, daypart=-1, share=0.5)
    client.force_login(customer)

    # session, user, settings, cart lines (dishes joined), the footer's hours and closures, the
    # header's roles (staff get their screens' links), the dishes' time windows; complete your
    # meal: the cart's pairs, popular now, their dishes and the time windows
    with django_assert_num_queries(12):
        response = client.get(reverse("web:cart"))
    assert len(texts(response.content, css_class="cart-line__title")) == lines
    assert text(response.content, id="meal") == "Complete your meal"


def test_a_page_refused_before_the_session_middleware_shows_an_empty_cart(client, menu):
    """A host not allowed is refused (400) before sessions and users exist: the error page's
    header still renders, with an empty cart, instead of failing."""
    response = client.get("/menu/", headers={"host": "evil.example.com"})

    assert response.status_code == 400
    assert text(response.content, css_class="cart-link__count") == "0"


class TestVisitorsGuestCart:
    def test_a_session_whose_guest_cart_was_deleted_reads_as_an_empty_cart_and_forgets_it(self, client, menu):
        add(client, menu["hummus"])
        GuestCart.objects.all().delete()  # purged as old (cart/housekeeping.py)

        page = client.get(reverse("web:cart")).content

        assert text(page, css_class="cart-link__count") == "0"
        assert "Your cart is empty" in page.decode()
        assert GUEST_CART_KEY not in client.session
        add(client, menu["moussaka"])  # a new one on the next add
        assert guest_lines(client) == [(menu["moussaka"].pk, 1)]

    def test_a_line_of_another_cart_cannot_be_changed_or_removed(self, client, customer, menu):
        theirs = CartLineFactory(user=customer, menuitem=menu["hummus"], quantity=2)
        other_guest = GuestCart.objects.create()
        guests = CartLineFactory(user=None, guest_cart=other_guest, menuitem=menu["hummus"], quantity=3)
        add(client, menu["moussaka"])

        for line in (theirs, guests):
            client.post(reverse("web:cart_line_update", args=[line.pk]), {"quantity": "9"})
            client.post(reverse("web:cart_line_remove", args=[line.pk]))

        assert sorted(CartLine.objects.values_list("quantity", flat=True)) == [1, 2, 3]

    def test_a_visitor_without_a_cart_changing_a_line_writes_nothing(self, client, customer, menu):
        theirs = CartLineFactory(user=customer, menuitem=menu["hummus"], quantity=2)

        response = client.post(reverse("web:cart_line_update", args=[theirs.pk]), {"quantity": "9"})

        assert response.status_code == 200  # the (empty) cart page again
        assert not GuestCart.objects.exists()
        theirs.refresh_from_db()
        assert theirs.quantity == 2


@pytest.mark.parametrize("lines", [1, 12])
def test_a_visitors_cart_page_runs_fixed_queries_whatever_its_size(client, lines, django_assert_num_queries):
    from littlelemon.menu.tests.factories import MenuItemFactory

    for dish in MenuItemFactory.create_batch(lines):
        add(client, dish)
    client.get(reverse("web:cart"))  # warm the restaurant's cached settings

    # session, settings, the guest cart by its token, cart lines (dishes joined), the footer's
    # hours and closures, the dishes' time windows; complete your meal: the cart's pairs, popular now
    with django_assert_num_queries(9):
        response = client.get(reverse("web:cart"))
    assert len(texts(response.content, css_class="cart-line__title")) == lines


@pytest.mark.parametrize("lines", [1, 12])
def test_a_visitors_badge_is_one_query_whatever_the_cart_and_none_without_one(
    client, menu, lines, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from littlelemon.menu.tests.factories import MenuItemFactory

    page = reverse("web:login")  # a page whose only read of the cart is the header's badge
    with CaptureQueriesContext(connection) as browsing:
        assert text(client.get(page).content, css_class="cart-link__count") == "0"
    assert not [query for query in browsing.captured_queries if "cart_" in query["sql"]]
    for dish in MenuItemFactory.create_batch(lines):
        add(client, dish, 2)
    client.get(page)

    # the session, the settings, the sum of the quantities by the session's token (not the
    # guest cart's row), the footer's hours and closures
    with django_assert_num_queries(5):
        response = client.get(page)
    assert text(response.content, css_class="cart-link__count") == str(2 * lines)
