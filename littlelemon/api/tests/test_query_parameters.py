"""No value of any query parameter is a 5xx: every list endpoint's documented parameters (read
from the OpenAPI schema, so a parameter added later is covered without touching this test) and
the GET parameters of the web pages that list things, with arbitrary strings.

Hypothesis draws the values: any text without surrogates (NUL and other control characters
included), commas and the lists they make, numbers far beyond 64 bits, dates and times at and
past the ends of the calendar. A refused value must be a 4xx; the API's names the parameter.
The number of examples is bounded: CI runs the suite twice (SQLite and PostgreSQL).
"""

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import api_client_for
from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.bookings.tests.factories import BookingFactory
from littlelemon.menu.enums import DietaryTag
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

EXAMPLES_PER_PARAMETER = 8  # per operation: this many times its number of parameters (at least 10)

INTEGER = {"type": "integer"}
#: The web pages that list things, with the GET parameters they read (and what they document).
WEB_PAGES = {
    "/menu/": {"search": {}, "category": {}, "dietary": {"enum": DietaryTag.values}, "page": INTEGER},
    "/book/": {"date": {}, "party_size": INTEGER},
    "/orders/": {"page": INTEGER},
    "/bookings/": {"page": INTEGER},
}

SPECIAL_VALUES = [
    "",
    " ",
    ",",
    ",,,,",
    "vegan,",
    "vegan,,vegan",
    "\x00",
    "a\x00b",
    "1e999999",
    "-1e999999",
    "NaN",
    "Infinity",
    "9" * 40,
    "-" + "9" * 40,
    "0",
    "-1",
    "1.5",
    "0x10",
    "true",
    "null",
    "0001-01-01",
    "9999-12-31",
    "2024-02-30",
    "10000-01-01",
    "9999-12-31T23:59:59+23:59",
    "0001-01-01T00:00:00-23:59",
    "2024-06-01T12:00:00+99:00",
    "-price",
    "--price",
    "%",
    "%00",
    "_",
    "\\",
    "'; DROP TABLE menu_menuitem; --",
    "x" * 5000,
    "\u202e\u0301\ufeff",
    "\U0001f34b",
]

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
value = st.one_of(
    st.sampled_from(SPECIAL_VALUES),
    text,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.lists(st.one_of(text, st.sampled_from(["vegan", "gluten-free", ""])), max_size=4).map(",".join),
)


def documented_values(schema: dict):
    """Values built from what the schema documents: its choices, alone or comma-separated
    (some empty), and numbers around its bounds."""
    choices = schema.get("enum") or schema.get("items", {}).get("enum")
    if choices:
        return st.lists(st.sampled_from([*choices, "", " "]), min_size=1, max_size=4).map(",".join)
    if schema.get("type") in ("integer", "number"):
        return st.integers(min_value=-(2**70), max_value=2**70).map(str)
    return value


def parameter_values(schema: dict):
    """One or two values (a repeated key): documented ones alone half of the time, so that a
    value the parameter's parser accepts in part (a list of known choices with an empty one) is
    not always hidden behind an invalid neighbour."""
    documented = documented_values(schema)
    return st.one_of(
        st.lists(documented, min_size=1, max_size=2), st.lists(st.one_of(documented, value), min_size=1, max_size=2)
    )


def query_strategy(parameters: dict[str, dict]):
    """Some of the parameters, each with one or two values (a repeated key: `?status=a&status=b`)."""
    return st.sets(st.sampled_from(sorted(parameters)), max_size=4).flatmap(
        lambda chosen: st.fixed_dictionaries({name: parameter_values(parameters[name]) for name in sorted(chosen)})
    )


def list_operations() -> dict[str, dict[str, dict]]:
    """Every GET operation without path parameters in the OpenAPI schema: its query parameters
    and their schemas."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {}
    for path, item in schema["paths"].items():
        get = item.get("get")
        if get is None or "{" in path:
            continue
        parameters = {p["name"]: p.get("schema", {}) for p in get.get("parameters", ()) if p["in"] == "query"}
        if parameters:
            operations[path] = parameters
    return operations


@pytest.fixture
def data(db, throttle_rates):
    throttle_rates(anon=None, user=None)
    MenuItemFactory.create_batch(3)
    BookingFactory()
    OrderFactory()


@pytest.fixture
def clients(data):
    customer, admin = UserFactory(), UserFactory(is_superuser=True, is_staff=True)
    return {"anonymous": api_client_for(None), "customer": api_client_for(customer), "admin": api_client_for(admin)}


def test_the_schema_documents_the_list_filters():
    """The property below reads its parameters from here: it must find them."""
    operations = list_operations()

    assert {"category", "dietary", "price_min", "search", "ordering", "page", "page_size"} <= set(
        operations["/api/v1/menu-items/"]
    )
    assert {"status", "created_after", "delivery_crew", "page"} <= set(operations["/api/v1/orders/"])
    assert {"date", "party_size"} <= set(operations["/api/v1/bookings/availability/"])
    assert {"date", "status", "table", "ordering"} <= set(operations["/api/v1/bookings/"])


def bounded(parameters) -> settings:
    """Hypothesis' settings for one operation or page: a number of examples that grows with its
    parameters, the same examples on every run (CI fails only for a new reason), no example
    database (nothing is written to the checkout)."""
    return settings(
        max_examples=max(10, EXAMPLES_PER_PARAMETER * len(parameters)),
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


def test_no_query_parameter_value_is_a_server_error(clients):
    def check(path, parameters):
        @bounded(parameters)
        @given(role=st.sampled_from(sorted(clients)), query=query_strategy(parameters))
        def send(role, query):
            response = clients[role].get(path, query)

            assert response.status_code < 500, (path, query, response.content[:500])
            if response.status_code == 400 and response["Content-Type"].startswith("application/json"):
                assert set(response.json()["fields"]) <= set(parameters) | {"non_field_errors"}, (path, query)

        send()

    for path, parameters in list_operations().items():
        check(path, parameters)


def test_no_web_page_parameter_value_is_a_server_error(data):
    signed_in = Client()
    signed_in.force_login(UserFactory())
    pages = {"anonymous": Client(), "customer": signed_in}

    def check(path, parameters):
        @bounded(parameters)
        @given(role=st.sampled_from(sorted(pages)), query=query_strategy(parameters), htmx=st.booleans())
        def send(role, query, htmx):
            response = pages[role].get(path, query, headers={"HX-Request": "true"} if htmx else {})

            assert response.status_code < 500, (path, query, response.content[:500])

        send()

    for path, parameters in WEB_PAGES.items():
        check(path, parameters)
