"""Look-alike usernames: one name however it is written (case, full-width letters, Cyrillic or
Greek letters drawn like Latin ones), refused with the same "taken" error on the API and the
web page, settled by the database when sign-ups race, and checked on existing rows by the
migration that introduced the key."""

from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from rest_framework.test import APIClient

from littlelemon.accounts.enums import Role
from littlelemon.accounts.models import User
from littlelemon.accounts.usernames import username_key, username_script_problem
from littlelemon.core.tests.concurrency import race

from .factories import PASSWORD, UserFactory

SIGNUP = "/api/v1/auth/users/"
WEB_SIGNUP = "/account/signup/"
TAKEN = "A user with that username already exists."


def api_sign_up(username: str, email: str | None = None):
    email = email or f"{abs(hash(username))}@example.com"
    return APIClient().post(SIGNUP, {"username": username, "email": email, "password": PASSWORD})


def web_sign_up(username: str, email: str | None = None):
    email = email or f"{abs(hash(username))}@example.com"
    return Client().post(WEB_SIGNUP, {"username": username, "email": email, "password": PASSWORD})


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("manager", "ＭＡＮＡＧＥＲ"),  # full-width
        ("manager", "MANAGER"),
        ("Straße", "STRASSE"),  # Unicode case folding, not ASCII's
        ("pop", "рор"),  # all Cyrillic, drawn like "pop"
        ("kappa", "κappa".replace("a", "α").replace("pp", "ρρ")),  # all Greek
    ],
)
def test_the_key_is_one_for_names_a_reader_takes_for_one(first, second):
    assert username_key(first) == username_key(second)


@pytest.mark.parametrize("username", ["mаnager", "admіn", "tilly٣", "Ιvan"])  # Cyrillic а, і; Arabic-Indic 3; Greek Ι
def test_a_new_name_mixing_scripts_is_refused(username):
    assert username_script_problem(username) is not None


@pytest.mark.parametrize(
    "username", ["tilly_99", "Иван", "Ελένη", "山田たろう", "yamada山田", "김민준", "josé.o'"[:-1]]
)
def test_names_in_one_script_or_written_together_are_allowed(username):
    assert username_script_problem(username) is None


@pytest.mark.django_db
class TestSignUp:
    @pytest.mark.parametrize("look_alike", ["ＭＡＮＡＧＥＲ", "Manager", "MANAGER", "ｍａｎａｇｅｒ"])
    def test_the_api_refuses_every_look_alike_of_a_name_with_the_same_error(self, look_alike):
        UserFactory(username="manager")

        response = api_sign_up(look_alike)

        assert response.status_code == 400
        assert response.json() == {
            "detail": TAKEN,
            "code": "username_taken",
            "fields": {"username": [TAKEN]},
            "request_id": response["X-Request-ID"],
        }
        assert list(User.objects.values_list("username", flat=True)) == ["manager"]

    def test_the_api_refuses_a_name_mixing_scripts(self):
        UserFactory(username="manager")

        response = api_sign_up("mаnager")  # a Cyrillic "а"

        assert response.status_code == 400
        assert response.json()["fields"] == {"username": [username_script_problem("mаnager")]}
        assert User.objects.count() == 1

    @pytest.mark.parametrize("look_alike", ["ＡＤＭＩＮ", "Admin", "ａｄｍｉｎ"])
    def test_the_web_page_refuses_every_look_alike_with_the_same_error(self, look_alike):
        UserFactory(username="admin")

        response = web_sign_up(look_alike)

        assert response.status_code == 200  # the form again
        assert response.context["form"].errors == {"username": [TAKEN]}
        assert list(User.objects.values_list("username", flat=True)) == ["admin"]

    def test_the_stored_name_and_key_of_a_full_width_sign_up(self):
        response = api_sign_up("ＴＩＬＬＹ")

        assert response.status_code == 201
        user = User.objects.get()
        assert (user.username, user.username_key) == ("TILLY", "tilly")

    def test_the_database_refuses_a_look_alike_that_skips_the_checks(self):
        from django.db import IntegrityError, transaction

        UserFactory(username="manager")

        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create_user(username="MANAGER", password=PASSWORD)

    def test_the_admin_refuses_a_look_alike(self, admin_client):
        UserFactory(username="manager")

        response = admin_client.post(
            "/admin/accounts/user/add/",
            {"username": "ＭＡＮＡＧＥＲ", "password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
        )

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["username"] == [TAKEN]
        assert not User.objects.filter(username="MANAGER").exists()


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_simultaneous_look_alike_sign_ups_make_one_account(round_, throttle_rates):
    """Two through the API, one through the page, each name a case variant of the others."""
    throttle_rates(signup=None)
    for role in Role:  # a transactional test may start from a flushed database
        Group.objects.get_or_create(name=role)

    responses = race(
        [
            lambda: api_sign_up("RaceX", "one@example.com"),
            lambda: api_sign_up("racex", "two@example.com"),
            lambda: web_sign_up("RACEX", "three@example.com"),
        ]
    )

    assert User.objects.count() == 1, [getattr(r, "content", r) for r in responses]
    statuses = Counter(response.status_code for response in responses)
    created = statuses[201] + statuses[302]
    assert created == 1, [getattr(r, "content", r) for r in responses]
    for response in responses:
        if response.status_code == 400:
            assert response.json()["fields"] == {"username": [TAKEN]}
        elif response.status_code == 200:
            assert response.context["form"].errors == {"username": [TAKEN]}


@pytest.mark.django_db(transaction=True)
def test_the_migration_reports_existing_clashes_and_changes_nothing_then_fills_the_keys():
    executor = MigrationExecutor(connection)
    before, latest = [("accounts", "0002_roles")], executor.loader.graph.leaf_nodes("accounts")
    executor.migrate(before)
    try:
        with connection.cursor() as cursor:
            for username in ("manager", "ＭＡＮＡＧＥＲ", "tilly", "TILLY", "ben"):
                cursor.execute(
                    "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, "
                    "is_staff, is_active, date_joined, phone) VALUES ('', %s, %s, '', '', '', %s, %s, %s, '')",
                    [False, username, False, True, "2024-01-01 00:00:00+00:00"],
                )
        executor = MigrationExecutor(connection)
        with pytest.raises(Exception, match="2 group") as refused:
            executor.migrate(latest)
        message = str(refused.value)
        assert "'manager' (id" in message and "'ＭＡＮＡＧＥＲ' (id" in message
        assert "'tilly' (id" in message and "'TILLY' (id" in message and "'ben'" not in message
        with connection.cursor() as cursor:  # nothing was changed: still before the key
            cursor.execute("SELECT * FROM accounts_user")
            assert "username_key" not in [column[0] for column in cursor.description]

        with connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_user SET username = 'manager2' WHERE username = 'ＭＡＮＡＧＥＲ'")
            cursor.execute("UPDATE accounts_user SET username = 'tilly2' WHERE username = 'TILLY'")
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert dict(User.objects.values_list("username", "username_key")) == {
        "manager": "manager",
        "manager2": "manager2",
        "tilly": "tilly",
        "tilly2": "tilly2",
        "ben": "ben",
    }
    if connection.vendor == "sqlite":  # the column was added without rebuilding the table
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'accounts_user'")
            assert cursor.fetchone()[0] == 6
