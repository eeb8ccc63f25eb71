"""`user_food_preferences_set`: what the account page and `PATCH /auth/users/me/` save."""

import pytest

from littlelemon.accounts.services import user_food_preferences_set
from littlelemon.core.exceptions import InvalidInput

pytestmark = pytest.mark.django_db


def stored(user) -> tuple:
    user.refresh_from_db()
    return user.dietary_requirements, user.allergens_avoided


def test_stores_each_code_once_sorted(customer):
    user_food_preferences_set(
        user=customer, dietary_requirements=("vegan", "nut-free", "vegan"), allergens_avoided=["sesame", "milk"]
    )

    assert stored(customer) == (["nut-free", "vegan"], ["milk", "sesame"])


def test_none_leaves_a_list_as_it_is_and_an_empty_one_clears_it(customer):
    user_food_preferences_set(user=customer, dietary_requirements=["vegan"], allergens_avoided=["milk"])

    user_food_preferences_set(user=customer, allergens_avoided=[])

    assert stored(customer) == (["vegan"], [])


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({"dietary_requirements": ["vegan", "Vegan"]}, "dietary_requirements", "Unknown dietary tag 'Vegan'"),
        ({"allergens_avoided": ["milk", "nuts"]}, "allergens_avoided", "Unknown allergen 'nuts'"),
        ({"allergens_avoided": "milk"}, "allergens_avoided", "A list of allergen codes is required."),
        ({"dietary_requirements": 3}, "dietary_requirements", "A list of dietary tag codes is required."),
        ({"allergens_avoided": ["milk", 7]}, "allergens_avoided", "Unknown allergen '7'"),
    ],
)
def test_refuses_what_is_not_a_list_of_known_codes_and_saves_nothing(customer, given, field, message):
    customer.dietary_requirements, customer.allergens_avoided = ["vegetarian"], ["eggs"]
    customer.save()
    # A good list beside the bad one is not saved either.
    good = {"dietary_requirements": ["vegan"], "allergens_avoided": ["fish"]}

    with pytest.raises(InvalidInput) as refused:
        user_food_preferences_set(user=customer, **{**good, **given})

    assert refused.value.field == field
    assert refused.value.message.startswith(message)
    assert (customer.dietary_requirements, customer.allergens_avoided) == (["vegetarian"], ["eggs"])
    assert stored(customer) == (["vegetarian"], ["eggs"])


def test_the_api_saves_through_it_leaving_what_a_patch_does_not_name(client_as, customer):
    user_food_preferences_set(user=customer, dietary_requirements=["vegan"])

    response = client_as(customer).patch("/api/v1/auth/users/me/", {"allergens_avoided": ["milk"]}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["dietary_requirements"] == ["vegan"]
    assert stored(customer) == (["vegan"], ["milk"])
