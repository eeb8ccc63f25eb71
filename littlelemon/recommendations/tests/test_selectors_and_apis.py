"""What reaches customers: filters, whose usuals, the API's answers, caching and query counts."""

import math
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from littlelemon.cart.services import guest_cart_create
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.menu.models import AvailabilityWindow, MenuItem
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.recommendations import selectors
from littlelemon.recommendations.models import ItemPair, ItemPopularity
from littlelemon.recommendations.services import recommendations_recompute

pytestmark = pytest.mark.django_db

RECOMMENDATIONS = "/api/v1/recommendations/"


def pairs_url(item) -> str:
    return f"/api/v1/menu-items/{item.pk}/pairs-well-with/"


@pytest.fixture
def menu():
    """A burger that goes with fries (lift e) and, less, with a shake (lift e^0.5); water is the
    most popular dish of all and goes with nothing in particular."""
    dishes = {
        name: MenuItemFactory(title=name.title(), **extra)
        for name, extra in [
            ("burger", {}),
            ("fries", {"vegan": True, "vegetarian": True}),
            ("shake", {"vegetarian": True, "allergens": ["milk"]}),
            ("water", {"vegan": True, "vegetarian": True}),
            ("salad", {"vegan": True, "vegetarian": True}),
        ]
    }
    for a, b, score in [("burger", "fries", 1.0), ("burger", "shake", 0.5)]:
        ItemPair.objects.create(item=dishes[a], other=dishes[b], score=score, support=9)
        ItemPair.objects.create(item=dishes[b], other=dishes[a], score=score, support=9)
    for name, share in [("water", 0.5), ("burger", 0.3), ("fries", 0.25), ("shake", 0.2), ("salad", 0.1)]:
        ItemPopularity.objects.create(item=dishes[name], weekday=-1, daypart=-1, share=share)
    return dishes


def titles(response) -> list[str]:
    return [dish["title"] for dish in response.json()["results"]]


class TestPairsWellWith:
    def test_partners_first_then_popular_never_the_dish_itself(self, client_as, menu):
        response = client_as(None).get(pairs_url(menu["burger"]))

        assert response.status_code == 200
        assert response.json()["kind"] == "pairs"
        # popularity × lift, as logarithms: fries log(.25)+1, shake log(.2)+.5, water log(.5), salad log(.1)
        assert titles(response) == ["Fries", "Water", "Shake", "Salad"]
        first = response.json()["results"][0]
        assert first == {
            "id": menu["fries"].pk,
            "title": "Fries",
            "slug": menu["fries"].slug,
            "price": "10.00",
            "category": menu["fries"].category.slug,
            "dietary": ["vegetarian", "vegan"],
            "allergens": [],
            "image": None,
        }

    def test_limit(self, client_as, menu):
        assert titles(client_as(None).get(pairs_url(menu["burger"]), {"limit": 1})) == ["Fries"]

    @pytest.mark.parametrize("limit", ["0", "21", "many", "-1"])
    def test_a_bad_limit_is_a_400_naming_it(self, client_as, menu, limit):
        response = client_as(None).get(pairs_url(menu["burger"]), {"limit": limit})

        assert response.status_code == 400
        assert "limit" in response.json()["fields"]

    def test_an_unknown_or_archived_dish_is_a_404(self, client_as, menu):
        menu["burger"].archived = True
        menu["burger"].save()

        assert client_as(None).get("/api/v1/menu-items/987654/pairs-well-with/").status_code == 404
        assert client_as(None).get(pairs_url(menu["burger"])).status_code == 404

    def test_never_what_cannot_be_ordered_now(self, client_as, menu):
        menu["fries"].available = False  # sold out
        menu["fries"].save()
        menu["water"].archived = True  # off the menu
        menu["water"].save()
        menu["salad"].category.hidden = True
        menu["salad"].category.save()

        assert titles(client_as(None).get(pairs_url(menu["burger"]))) == ["Shake"]

    def test_never_a_dish_out_of_its_time_window_or_of_todays_portions(self, client_as, menu, freeze):
        now = freeze(datetime(2026, 6, 3, 12, 0, tzinfo=ZoneInfo(settings.TIME_ZONE)))  # a Wednesday noon
        # Fries only at breakfast on Wednesdays; the shake has no portion left today.
        AvailabilityWindow.objects.create(menuitem=menu["fries"], weekday=2, starts=time(7), ends=time(11))
        MenuItem.objects.filter(pk=menu["shake"].pk).update(daily_portions=5, portions_left=0, portions_date=now.date())

        assert titles(client_as(None).get(pairs_url(menu["burger"]))) == ["Water", "Salad"]

        freeze(now.replace(hour=8))
        MenuItem.objects.filter(pk=menu["shake"].pk).update(daily_portions=5, portions_left=2)
        assert titles(client_as(None).get(pairs_url(menu["burger"])))[:2] == ["Fries", "Water"]

    def test_never_what_is_in_the_customers_cart(self, client_as, customer, menu):
        CartLineFactory(user=customer, menuitem=menu["fries"])

        assert titles(client_as(customer).get(pairs_url(menu["burger"]))) == ["Water", "Shake", "Salad"]

    def test_never_what_the_customers_preferences_exclude(self, client_as, customer, menu):
        customer.dietary_requirements = ["vegetarian"]
        customer.allergens_avoided = ["milk"]
        customer.save()

        # The burger is not vegetarian; the shake has milk.
        assert titles(client_as(customer).get(pairs_url(menu["burger"]))) == ["Fries", "Water", "Salad"]

    def test_anonymous_answers_are_public_and_revalidate(self, client_as, menu):
        client = client_as(None)
        first = client.get(pairs_url(menu["burger"]))

        assert first["Cache-Control"].startswith("public")
        assert client.get(pairs_url(menu["burger"]), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    def test_a_recomputation_or_a_menu_change_changes_the_etag(self, client_as, menu):
        client = client_as(None)
        etag = client.get(pairs_url(menu["burger"]))["ETag"]
        recommendations_recompute()
        after_recompute = client.get(pairs_url(menu["burger"]))["ETag"]
        menu["salad"].price = 11
        menu["salad"].save()

        assert len({etag, after_recompute, client.get(pairs_url(menu["burger"]))["ETag"]}) == 3

    def test_signed_in_answers_are_private(self, client_as, customer, menu):
        response = client_as(customer).get(pairs_url(menu["burger"]))

        assert response["Cache-Control"] == "private, no-cache"

    @pytest.mark.parametrize("extra", [0, 25])
    def test_a_fixed_number_of_queries_whatever_the_menu(
        self, client_as, customer, menu, extra, django_assert_num_queries
    ):
        for dish in MenuItemFactory.create_batch(extra):
            ItemPair.objects.create(item=menu["burger"], other=dish, score=0.1, support=3)
            ItemPopularity.objects.create(item=dish, weekday=-1, daypart=-1, share=0.01)
        client = client_as(customer)

        # the user, the dish, the stamps, the cart, its pairs, popularity now, the candidate dishes,
        # the menu's time windows
        with django_assert_num_queries(8):
            assert client.get(pairs_url(menu["burger"])).status_code == 200


class TestVisitorRecommendations:
    def test_popular_now_for_anonymous_visitors(self, client_as, menu):
        response = client_as(None).get(RECOMMENDATIONS, {"limit": 3})

        assert response.json()["kind"] == "popular"
        assert titles(response) == ["Water", "Burger", "Fries"]
        assert response["Cache-Control"].startswith("public")

    def test_a_customers_usuals_are_their_own_dishes_first(self, client_as, customer, menu, place):
        place(customer, [menu["salad"]])
        place(customer, [menu["salad"], menu["shake"]])

        response = client_as(customer).get(RECOMMENDATIONS, {"limit": 3})

        assert response.json()["kind"] == "usuals"
        assert titles(response) == ["Salad", "Shake", "Water"]
        assert response["Cache-Control"] == "private, no-cache"

    def test_no_customers_usuals_reach_another(self, client_as, customer, other_customer, menu, place):
        ItemPopularity.objects.all().delete()  # nothing popular: only usuals could name a dish
        place(customer, [menu["salad"]])

        theirs = client_as(other_customer).get(RECOMMENDATIONS)
        anonymous = client_as(None).get(RECOMMENDATIONS)

        assert theirs.json() == {"kind": "popular", "results": []}
        assert anonymous.json() == {"kind": "popular", "results": []}
        assert titles(client_as(customer).get(RECOMMENDATIONS)) == ["Salad"]

    def test_a_new_order_changes_the_usuals_etag(self, client_as, customer, menu, place):
        client = client_as(customer)
        etag = client.get(RECOMMENDATIONS)["ETag"]
        place(customer, [menu["salad"]])

        response = client.get(RECOMMENDATIONS, HTTP_IF_NONE_MATCH=etag)

        assert response.status_code == 200
        assert titles(response)[0] == "Salad"

    def test_leaves_out_the_cart_and_what_preferences_exclude(self, client_as, customer, menu, place):
        place(customer, [menu["shake"], menu["burger"]])
        CartLineFactory(user=customer, menuitem=menu["water"])
        customer.allergens_avoided = ["milk"]
        customer.save()

        assert titles(client_as(customer).get(RECOMMENDATIONS)) == ["Burger", "Fries", "Salad"]

    @pytest.mark.parametrize("orders", [1, 12])
    def test_a_fixed_number_of_queries_whatever_the_history(
        self, client_as, customer, menu, place, orders, django_assert_num_queries
    ):
        for _ in range(orders):
            place(customer, [menu["salad"], menu["fries"]])
        client = client_as(customer)

        # the user, the stamps, the cart, their order lines, popularity now, the candidate dishes,
        # the menu's time windows
        with django_assert_num_queries(7):
            assert client.get(RECOMMENDATIONS).status_code == 200


class TestGuestCart:
    """A guest sending their cart's `X-Cart-Token` (as on the cart API) has its dishes left out."""

    @pytest.fixture
    def guest_cart(self):
        return guest_cart_create()

    def put(self, guest_cart, dish) -> None:
        CartLineFactory(user=None, guest_cart=guest_cart, menuitem=dish)

    def test_popular_now_leaves_out_the_guest_carts_dishes(self, client_as, menu, guest_cart):
        self.put(guest_cart, menu["water"])

        response = client_as(None).get(RECOMMENDATIONS, HTTP_X_CART_TOKEN=guest_cart.token)

        assert response.status_code == 200
        assert response.json()["kind"] == "popular"
        assert titles(response) == ["Burger", "Fries", "Shake", "Salad"]
        assert response["Cache-Control"] == "private, no-cache"  # this cart's, not everyone's
        # Without the token: everyone's answer, water first.
        assert titles(client_as(None).get(RECOMMENDATIONS))[0] == "Water"

    def test_pairs_well_with_leaves_out_the_guest_carts_dishes(self, client_as, menu, guest_cart):
        self.put(guest_cart, menu["fries"])

        response = client_as(None).get(pairs_url(menu["burger"]), HTTP_X_CART_TOKEN=guest_cart.token)

        assert titles(response) == ["Water", "Shake", "Salad"]
        assert response["Cache-Control"] == "private, no-cache"

    @pytest.mark.parametrize("path", [RECOMMENDATIONS, "pairs"])
    def test_adding_a_dish_changes_the_answer_and_its_etag(self, client_as, menu, guest_cart, path):
        client = client_as(None)
        url = pairs_url(menu["burger"]) if path == "pairs" else path
        self.put(guest_cart, menu["salad"])
        first = client.get(url, HTTP_X_CART_TOKEN=guest_cart.token)
        assert "Fries" in titles(first)
        unchanged = client.get(url, HTTP_X_CART_TOKEN=guest_cart.token, HTTP_IF_NONE_MATCH=first["ETag"])
        assert unchanged.status_code == 304

        self.put(guest_cart, menu["fries"])
        after = client.get(url, HTTP_X_CART_TOKEN=guest_cart.token, HTTP_IF_NONE_MATCH=first["ETag"])

        assert after.status_code == 200
        assert "Fries" not in titles(after) and "Salad" not in titles(after)
        assert after["ETag"] != first["ETag"]
        # ...and neither is the public answer's.
        assert client.get(url)["ETag"] not in {first["ETag"], after["ETag"]}

    @pytest.mark.parametrize("token", ["no-such-cart", "x" * 200])
    def test_a_token_naming_no_cart_is_the_cart_apis_404(self, client_as, menu, token):
        client = client_as(None)

        answers = [
            client.get(url, HTTP_X_CART_TOKEN=token)
            for url in (RECOMMENDATIONS, pairs_url(menu["burger"]), "/api/v1/cart/")
        ]

        assert [answer.status_code for answer in answers] == [404] * 3
        assert {answer.json()["code"] for answer in answers} == {"cart_not_found"}

    def test_an_empty_header_is_no_token(self, client_as, menu):
        response = client_as(None).get(RECOMMENDATIONS, HTTP_X_CART_TOKEN="")

        assert response.status_code == 200
        assert response["Cache-Control"].startswith("public")

    def test_signed_in_the_token_is_ignored_as_on_the_cart_api(self, client_as, customer, menu, guest_cart):
        self.put(guest_cart, menu["water"])
        CartLineFactory(user=customer, menuitem=menu["burger"])

        response = client_as(customer).get(RECOMMENDATIONS, HTTP_X_CART_TOKEN=guest_cart.token)

        assert titles(response) == ["Water", "Fries", "Shake", "Salad"]

    @pytest.mark.parametrize("path", [RECOMMENDATIONS, "pairs"])
    def test_every_answer_varies_on_the_cart_token(self, client_as, customer, menu, guest_cart, path):
        url = pairs_url(menu["burger"]) if path == "pairs" else path
        anonymous = client_as(None).get(url)
        not_modified = client_as(None).get(url, HTTP_IF_NONE_MATCH=anonymous["ETag"])
        guest = client_as(None).get(url, HTTP_X_CART_TOKEN=guest_cart.token)
        signed_in = client_as(customer).get(url)

        for response in (anonymous, not_modified, guest, signed_in):
            assert "X-Cart-Token" in response["Vary"], response.status_code

    @pytest.mark.parametrize("size", [1, 12])
    def test_a_fixed_number_of_queries_whatever_the_cart(
        self, client_as, menu, guest_cart, size, django_assert_num_queries
    ):
        for dish in MenuItemFactory.create_batch(size):
            self.put(guest_cart, dish)
        client = client_as(None)

        # the guest cart, its dishes, the stamps, popularity now, the candidate dishes, the windows
        with django_assert_num_queries(6):
            assert client.get(RECOMMENDATIONS, HTTP_X_CART_TOKEN=guest_cart.token).status_code == 200
        # the dish, then as above with its pairs
        with django_assert_num_queries(8):
            assert client.get(pairs_url(menu["burger"]), HTTP_X_CART_TOKEN=guest_cart.token).status_code == 200


def test_complete_your_meal_goes_with_the_whole_cart(menu):
    meal = selectors.complete_your_meal({menu["burger"].pk, menu["water"].pk}, limit=2)

    # Fries: log(.25) + 1; shake: log(.2) + .5; salad: log(.1). The cart's own dishes never.
    assert [dish.title for dish in meal.items] == ["Fries", "Shake"]
    assert math.log(0.25) + 1 > math.log(0.2) + 0.5 > math.log(0.1)


class TestFoodPreferences:
    def test_set_and_read_through_the_profile(self, client_as, customer):
        client = client_as(customer)

        response = client.patch(
            "/api/v1/auth/users/me/",
            {"dietary_requirements": ["vegan", "vegetarian", "vegan"], "allergens_avoided": ["milk"]},
            format="json",
        )

        assert response.status_code == 200, response.content
        assert response.json()["dietary_requirements"] == ["vegan", "vegetarian"]
        customer.refresh_from_db()
        assert customer.food_preferences == (frozenset({"vegan", "vegetarian"}), frozenset({"milk"}))

    def test_unknown_codes_are_refused_and_nothing_changes(self, client_as, customer):
        response = client_as(customer).patch(
            "/api/v1/auth/users/me/",
            {"dietary_requirements": ["carnivore"], "allergens_avoided": ["milk"]},
            format="json",
        )

        assert response.status_code == 400
        assert "dietary_requirements" in response.json()["fields"]
        customer.refresh_from_db()
        assert customer.dietary_requirements is None and customer.allergens_avoided is None
        assert client_as(customer).get("/api/v1/auth/users/me/").json()["allergens_avoided"] == []


def test_the_routes():
    assert reverse("recommendations") == RECOMMENDATIONS
    assert reverse("menuitem-pairs-well-with", args=[5]) == "/api/v1/menu-items/5/pairs-well-with/"
