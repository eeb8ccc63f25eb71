"""Content negotiation: JSON by default; XML, CSV and YAML by Accept or ?format=."""

import csv
import io
from decimal import Decimal

import pytest
import yaml
from defusedxml import ElementTree

from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/menu-items/"


@pytest.fixture
def dish():
    return MenuItemFactory(
        title="Greek Salad",
        price=Decimal("12.99"),
        category=CategoryFactory(slug="salads"),
        vegetarian=True,
        vegan=True,
    )


def test_json_is_the_default(api_client, dish):
    response = api_client.get(ITEMS, HTTP_ACCEPT="*/*")

    assert response["Content-Type"] == "application/json"
    assert response.json()["results"][0]["title"] == "Greek Salad"


@pytest.mark.parametrize("how", ["accept", "format"])
def test_xml(api_client, dish, how):
    response = (
        api_client.get(ITEMS, HTTP_ACCEPT="application/xml")
        if how == "accept"
        else api_client.get(f"{ITEMS}?format=xml")
    )

    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    assert root.findtext("count") == "1"
    assert root.findtext("results/list-item/title") == "Greek Salad"
    assert root.findtext("results/list-item/price") == "12.99"


@pytest.mark.parametrize("how", ["accept", "format"])
def test_csv_has_a_row_per_result(api_client, dish, how):
    response = (
        api_client.get(ITEMS, HTTP_ACCEPT="text/csv") if how == "accept" else api_client.get(f"{ITEMS}?format=csv")
    )

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert (rows[0]["title"], rows[0]["price"], rows[0]["dietary"]) == ("Greek Salad", "12.99", "vegetarian, vegan")


def test_csv_neutralises_spreadsheet_formulas(api_client):
    MenuItemFactory(title='=HYPERLINK("http://evil")', description="+cmd|' /C calc'!A0")

    rows = list(csv.DictReader(io.StringIO(api_client.get(f"{ITEMS}?format=csv").content.decode())))

    assert rows[0]["title"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["description"] == "'+cmd|' /C calc'!A0"


@pytest.mark.parametrize("how", ["accept", "format"])
def test_yaml(api_client, dish, how):
    response = (
        api_client.get(ITEMS, HTTP_ACCEPT="application/yaml")
        if how == "accept"
        else api_client.get(f"{ITEMS}?format=yaml")
    )

    assert response["Content-Type"].startswith("application/yaml")
    body = yaml.safe_load(response.content)
    assert body["results"][0]["title"] == "Greek Salad"


def test_an_unknown_format_or_an_unacceptable_accept_is_406_naming_the_formats(api_client, dish):
    by_format = api_client.get(f"{ITEMS}?format=pdf")
    by_accept = api_client.get(ITEMS, HTTP_ACCEPT="application/pdf")

    assert by_format.status_code == 406
    assert by_format.json() == {
        "detail": "Unknown ?format=: use one of json, xml, csv, yaml.",
        "code": "not_acceptable",
        "request_id": by_format["X-Request-ID"],
    }
    assert by_accept.status_code == 406
    assert by_accept.json()["code"] == "not_acceptable"
