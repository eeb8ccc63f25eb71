"""A key acts as the restaurant's integration, never as a user: no endpoint built for people
(accounts, roles, the cart, placing orders) takes it, whatever its scopes."""

import pytest

from littlelemon.accounts.models import User
from littlelemon.accounts.permissions import is_manager, is_manager_for, is_staff_member
from littlelemon.apikeys.principal import Integration
from littlelemon.apikeys.scopes import MENU_READ, MENU_WRITE, ORDERS_READ, ORDERS_WRITE, SCOPES, grants
from littlelemon.cart.models import CartLine
from littlelemon.menu.tests.factories import MenuItemFactory

from .factories import issue_key, key_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("get", "/api/v1/auth/users/me/", None),
        ("patch", "/api/v1/auth/users/me/", {"first_name": "Robot"}),
        ("post", "/api/v1/auth/users/", {"username": "bot", "email": "bot@example.com", "password": "a-Good-pass-1"}),
        ("get", "/api/v1/groups/manager/users/", None),
        ("post", "/api/v1/groups/kitchen/users/", {"user": 1}),
        ("get", "/api/v1/cart/", None),
        ("post", "/api/v1/cart/items/", {"menuitem": 1}),
        ("post", "/api/v1/orders/", {"fulfilment": "pickup"}),
        ("get", "/api/v1/settings/", None),
        ("patch", "/api/v1/settings/", {"delivery_fee": "1.00"}),
        ("get", "/api/v1/api-keys/", None),
    ],
)
def test_a_key_with_every_scope_is_refused_where_people_act(method, path, payload):
    _, key = issue_key(list(SCOPES))
    MenuItemFactory()
    users = User.objects.count()

    response = getattr(key_client(key), method)(path, payload, format="json")

    assert response.status_code == 403
    assert response.data["code"] == "api_key_not_allowed"
    assert User.objects.count() == users
    assert not CartLine.objects.exists()


def test_the_integration_is_no_user_and_holds_no_role():
    api_key, _ = issue_key([ORDERS_WRITE], name="POS")
    integration = Integration(api_key)

    assert integration.is_authenticated and not integration.is_anonymous
    assert integration.pk is None
    assert not (integration.is_manager or integration.is_superuser or integration.is_staff or integration.roles)
    assert not is_manager(integration)
    assert not is_staff_member(integration)
    assert is_manager_for(integration, ORDERS_WRITE)
    assert is_manager_for(integration, ORDERS_READ)  # write includes read
    assert not is_manager_for(integration, MENU_READ)
    assert integration.get_username() == f"api-key:POS ({api_key.prefix})"


def test_a_manager_is_a_manager_for_every_scope(manager, customer):
    assert all(is_manager_for(manager, scope) for scope in SCOPES)
    assert not any(is_manager_for(customer, scope) for scope in SCOPES)


def test_write_includes_read_of_the_same_resource_only():
    assert grants([MENU_WRITE], MENU_READ)
    assert not grants([MENU_READ], MENU_WRITE)
    assert not grants([MENU_WRITE], ORDERS_READ)
    assert not grants([], MENU_READ)


def test_menu_write_changes_the_menu_and_the_audit_names_the_key():
    from littlelemon.audit.models import AuditEntry
    from littlelemon.menu.models import Category

    api_key, key = issue_key([MENU_WRITE], name="Menu sync")

    response = key_client(key).post("/api/v1/categories/", {"title": "Soups"}, format="json")

    assert response.status_code == 201
    assert Category.objects.get().title == "Soups"
    entry = AuditEntry.objects.get(action="category.create")
    assert (entry.actor_id, entry.actor_name) == (None, f"api-key:Menu sync ({api_key.prefix})")
