"""Staff role management: who may grant and revoke which role, and what it changes."""

import pytest
from django.contrib.auth.models import Group

from littlelemon.accounts.enums import Role

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def members(role: str) -> set[int]:
    return set(Group.objects.get(name=role).user_set.values_list("pk", flat=True))


def url(role: str, user_id: int | None = None) -> str:
    return f"/api/v1/groups/{role}/users/" + (f"{user_id}/" if user_id is not None else "")


def test_the_three_roles_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {"manager", "delivery-crew", "kitchen"}


class TestGrant:
    def test_admin_makes_a_user_manager(self, client_as, admin_user):
        user = UserFactory()

        response = client_as(admin_user).post(url("manager"), {"user": user.pk})

        assert response.status_code == 201
        assert response.json() == {"id": user.pk, "username": user.username, "email": user.email}
        assert members("manager") == {user.pk}

    def test_granting_twice_is_200_and_changes_nothing(self, client_as, admin_user):
        user = UserFactory(roles=["kitchen"])

        response = client_as(admin_user).post(url("kitchen"), {"user": user.pk})

        assert response.status_code == 200
        assert members("kitchen") == {user.pk}

    @pytest.mark.parametrize("role", ["kitchen", "delivery-crew"])
    def test_manager_adds_kitchen_and_crew(self, client_as, manager, role):
        user = UserFactory()

        response = client_as(manager).post(url(role), {"user": user.pk})

        assert response.status_code == 201
        assert members(role) == {user.pk}

    def test_manager_cannot_make_a_manager(self, client_as, manager):
        user = UserFactory()

        response = client_as(manager).post(url("manager"), {"user": user.pk})

        assert response.status_code == 403
        assert response.json() == {
            "detail": "Only an admin may manage managers.",
            "code": "permission_denied",
            "request_id": response["X-Request-ID"],
        }
        assert members("manager") == {manager.pk}

    @pytest.mark.parametrize(
        ("payload", "message"),
        [
            ({"user": 999_999}, "No user with id 999999."),
            ({"user": "abc"}, "A user id (integer) is required."),
            ({}, "This field is required."),
            ({"user": None}, "This field may not be null."),
        ],
    )
    def test_bad_user_ids_are_400_and_change_nothing(self, client_as, admin_user, payload, message):
        response = client_as(admin_user).post(url("kitchen"), payload, format="json")

        assert response.status_code == 400
        assert response.json()["fields"]["user"] == [message]
        assert members("kitchen") == set()


class TestRevoke:
    def test_manager_removes_a_cook(self, client_as, manager):
        cook = UserFactory(roles=["kitchen"])

        response = client_as(manager).delete(url("kitchen", cook.pk))

        assert response.status_code == 204
        assert members("kitchen") == set()
        cook.refresh_from_db()
        assert cook.is_active  # the account stays; only the role goes

    def test_removing_a_non_member_is_404(self, client_as, manager):
        user = UserFactory()

        response = client_as(manager).delete(url("kitchen", user.pk))

        assert response.status_code == 404
        assert response.json()["code"] == "not_in_role"

    def test_unknown_user_is_404(self, client_as, admin_user):
        response = client_as(admin_user).delete(url("manager", 999_999))

        assert response.status_code == 404

    def test_manager_cannot_remove_a_manager(self, client_as, manager):
        other = UserFactory(roles=["manager"])

        response = client_as(manager).delete(url("manager", other.pk))

        assert response.status_code == 403
        assert members("manager") == {manager.pk, other.pk}


class TestList:
    def test_lists_id_username_email_paginated(self, client_as, manager):
        crew = [UserFactory(roles=["delivery-crew"]) for _ in range(3)]
        UserFactory()  # not crew

        response = client_as(manager).get(url("delivery-crew"))

        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 3
        assert body["results"] == [{"id": u.pk, "username": u.username, "email": u.email} for u in crew]


def test_roles_are_read_once_per_user_instance(django_assert_num_queries):
    user = UserFactory(roles=[Role.KITCHEN, Role.DELIVERY_CREW])
    user = type(user).objects.get(pk=user.pk)

    with django_assert_num_queries(1):
        assert user.is_kitchen and user.is_delivery_crew and not user.is_manager and user.is_staff_member
