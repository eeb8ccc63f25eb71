"""The indexes the menu's filters and orderings rely on exist in the database (migrations 0001, 0003)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_every_filter_and_ordering_has_its_index():
    with connection.cursor() as cursor:
        indexes = {
            name: info["columns"]
            for name, info in connection.introspection.get_constraints(cursor, "menu_menuitem").items()
            if info["index"]
        }

    assert indexes["menu_item_position_idx"] == ["position", "id"]
    assert indexes["menu_item_category_idx"] == ["category_id", "position", "id"]
    assert indexes["menu_item_category_price_idx"] == ["category_id", "price", "id"]
    assert indexes["menu_item_category_title_idx"] == ["category_id", "title", "id"]
    assert indexes["menu_item_price_idx"] == ["price", "id"]
    assert indexes["menu_item_title_idx"] == ["title", "id"]
    if connection.vendor == "postgresql":  # search: trigram indexes on the expressions icontains uses
        assert {"menu_item_title_trgm", "menu_item_description_trgm"} <= set(indexes)
