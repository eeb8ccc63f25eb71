"""Fixtures of the customer pages' tests: a small believable menu and opening hours."""

from decimal import Decimal

import pytest

from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory
from littlelemon.restaurant.tests.factories import open_every_day


@pytest.fixture
def menu(db):
    """Two categories, five dishes: dietary tags, allergens, one featured, one sold out."""
    starters = CategoryFactory(slug="starters", title="Starters", position=1)
    mains = CategoryFactory(slug="mains", title="Mains", position=2)
    return {
        "hummus": MenuItemFactory(
            title="Hummus",
            slug="hummus",
            description="Chickpeas, tahini and lemon.",
            price=Decimal("6.50"),
            category=starters,
            vegetarian=True,
            vegan=True,
            allergens=["sesame"],
            featured=True,
            position=1,
        ),
        "calamari": MenuItemFactory(
            title="Fried Calamari",
            slug="fried-calamari",
            description="Squid, lemon aioli.",
            price=Decimal("11.75"),
            category=starters,
            allergens=["molluscs", "eggs"],
            position=2,
        ),
        "moussaka": MenuItemFactory(
            title="Moussaka",
            slug="moussaka",
            description="Aubergine, lamb and bechamel.",
            price=Decimal("18.50"),
            category=mains,
            featured=True,
            position=1,
        ),
        "tagine": MenuItemFactory(
            title="Vegetable Tagine",
            slug="vegetable-tagine",
            description="Slow-cooked vegetables, apricots, lemon couscous.",
            price=Decimal("16.00"),
            category=mains,
            vegetarian=True,
            vegan=True,
            gluten_free=True,
            position=2,
        ),
        "lamb": MenuItemFactory(
            title="Lamb Shank",
            slug="lamb-shank",
            description="Braised for six hours.",
            price=Decimal("24.00"),
            category=mains,
            gluten_free=True,
            available=False,
            position=3,
        ),
    }


@pytest.fixture
def hours(db):
    open_every_day()
