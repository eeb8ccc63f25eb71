"""Sign-up, log-in, the profile, and the JWT lifecycle (rotation, logout by blacklisting)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from rest_framework_simplejwt.tokens import AccessToken

from littlelemon.accounts.models import User

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/users/"
ME = "/api/v1/auth/users/me/"
LOGIN = "/api/v1/auth/jwt/create/"
REFRESH = "/api/v1/auth/jwt/refresh/"
VERIFY = "/api/v1/auth/jwt/verify/"
LOGOUT = "/api/v1/auth/jwt/blacklist/"


def login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


class TestSignUp:
    def test_creates_a_customer_with_a_hashed_password(self, api_client):
        response = api_client.post(SIGNUP, {"username": "tilly", "email": "Tilly@Example.com", "password": PASSWORD})

        assert response.status_code == 201
        assert response.json() == {"id": response.json()["id"], "username": "tilly", "email": "Tilly@example.com"}
        user = User.objects.get(username="tilly")
        assert user.check_password(PASSWORD) and user.password != PASSWORD
        assert user.is_customer and not user.is_superuser and user.roles == frozenset()

    @pytest.mark.parametrize(
        ("payload", "field", "message"),
        [
            ({"username": "a", "password": PASSWORD}, "email", "This field is required."),
            ({"email": "a@example.com", "password": PASSWORD}, "username", "This field is required."),
            ({"username": "a", "email": "a@example.com"}, "password", "This field is required."),
            ({"username": "a", "email": "not-an-email", "password": PASSWORD}, "email", "Enter a valid email address."),
            ({"username": "a b", "email": "a@example.com", "password": PASSWORD}, "username", "Use letters"),
            ({"username": "a", "email": "a@example.com", "password": "short"}, "password", "too short"),
            ({"username": "a", "email": "a@example.com", "password": "password123"}, "password", "too common"),
            ({"username": "a", "email": "a@example.com", "password": "83749201746"}, "password", "entirely numeric"),
            ({"username": "a", "email": "a@example.com", "password": "Lemon-" * 43}, "password", "too long"),
            ({"username": "gertrude", "email": "g@example.com", "password": "gertrude1"}, "password", "too similar"),
        ],
    )
    def test_refuses_invalid_input_and_creates_nothing(self, api_client, payload, field, message):
        response = api_client.post(SIGNUP, payload)

        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid"
        assert any(message in text for text in body["fields"][field])
        assert not User.objects.exists()

    def test_refuses_a_taken_username_or_email_whatever_the_case(self, api_client):
        UserFactory(username="tilly", email="tilly@example.com")

        by_name = api_client.post(SIGNUP, {"username": "TILLY", "email": "new@example.com", "password": PASSWORD})
        by_email = api_client.post(SIGNUP, {"username": "new", "email": "TILLY@example.com", "password": PASSWORD})

        assert by_name.status_code == 400 and "already exists" in by_name.json()["fields"]["username"][0]
        assert by_email.status_code == 400 and "already exists" in by_email.json()["fields"]["email"][0]
        assert User.objects.count() == 1

    def test_cannot_grant_itself_privileges(self, api_client):
        response = api_client.post(
            SIGNUP,
            {
                "username": "sneaky",
                "email": "s@example.com",
                "password": PASSWORD,
                "is_superuser": True,
                "is_staff": True,
            },
        )

        assert response.status_code == 201
        user = User.objects.get(username="sneaky")
        assert not user.is_superuser and not user.is_staff


class TestLogIn:
    def test_returns_access_and_refresh_tokens(self, api_client):
        user = UserFactory()

        response = login(api_client, user.username)

        assert response.status_code == 200
        assert set(response.json()) == {"access", "refresh"}
        assert AccessToken(response.json()["access"])["user_id"] == str(user.pk)

    @pytest.mark.parametrize("password", ["wrong-password", ""])
    def test_refuses_a_wrong_password(self, api_client, password):
        user = UserFactory()

        response = login(api_client, user.username, password)

        assert response.status_code in (400, 401)
        assert response.json()["code"] in ("no_active_account", "invalid")

    def test_refuses_an_inactive_user(self, api_client):
        user = UserFactory(is_active=False)

        assert login(api_client, user.username).status_code == 401


class TestProfile:
    def test_me_shows_the_signed_in_user_with_roles(self, client_as, manager):
        response = client_as(manager).get(ME)

        assert response.status_code == 200
        assert response.json() == {
            "id": manager.pk,
            "username": manager.username,
            "email": manager.email,
            "first_name": manager.first_name,
            "last_name": manager.last_name,
            "phone": "",
            "roles": ["manager"],
            "dietary_requirements": [],
            "allergens_avoided": [],
        }

    def test_patch_changes_contact_details_but_not_username_or_roles(self, client_as, customer):
        response = client_as(customer).patch(
            ME, {"first_name": "Tilly", "phone": "+1 312 555 0100", "username": "hacker", "roles": ["manager"]}
        )

        assert response.status_code == 200
        customer.refresh_from_db()
        assert (customer.first_name, customer.phone) == ("Tilly", "+1 312 555 0100")
        assert customer.username != "hacker"
        assert not customer.groups.exists()

    def test_patch_refuses_an_email_another_account_uses(self, client_as, customer, other_customer):
        response = client_as(customer).patch(ME, {"email": other_customer.email.upper()})

        assert response.status_code == 400
        assert "already exists" in response.json()["fields"]["email"][0]
        customer.refresh_from_db()
        assert customer.email != other_customer.email

    def test_anonymous_gets_401_with_www_authenticate(self, api_client):
        response = api_client.get(ME)

        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json() == {
            "detail": "Authentication credentials were not provided.",
            "code": "not_authenticated",
            "request_id": response["X-Request-ID"],
        }


class TestTokens:
    def test_refresh_rotates_and_the_old_refresh_token_is_refused(self, api_client):
        user = UserFactory()
        first = login(api_client, user.username).json()

        rotated = api_client.post(REFRESH, {"refresh": first["refresh"]})
        reused = api_client.post(REFRESH, {"refresh": first["refresh"]})

        assert rotated.status_code == 200
        assert set(rotated.json()) == {"access", "refresh"}
        assert rotated.json()["refresh"] != first["refresh"]
        assert reused.status_code == 401
        assert reused.json()["code"] == "token_not_valid"

    def test_logout_blacklists_the_refresh_token(self, api_client):
        user = UserFactory()
        tokens = login(api_client, user.username).json()

        logout = api_client.post(LOGOUT, {"refresh": tokens["refresh"]})
        refresh = api_client.post(REFRESH, {"refresh": tokens["refresh"]})

        assert logout.status_code == 200
        assert refresh.status_code == 401

    def test_verify_accepts_a_valid_token_and_refuses_garbage(self, api_client):
        token = str(AccessToken.for_user(UserFactory()))

        assert api_client.post(VERIFY, {"token": token}).status_code == 200
        assert api_client.post(VERIFY, {"token": token + "x"}).status_code == 401

    def test_an_expired_access_token_is_refused(self, api_client):
        token = AccessToken.for_user(UserFactory())
        token.set_exp(lifetime=-timedelta(seconds=1))
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

        response = api_client.get(ME)

        assert response.status_code == 401
        assert response.json()["code"] == "token_not_valid"

    def test_the_token_of_a_deactivated_user_is_refused(self, api_client):
        user = UserFactory()
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
        User.objects.filter(pk=user.pk).update(is_active=False)

        assert api_client.get(ME).status_code == 401


def test_createsuperuser_noinput_reads_django_superuser_variables(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "owner")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "owner@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    call_command("createsuperuser", "--noinput", verbosity=0)

    owner = User.objects.get(username="owner")
    assert owner.is_superuser and owner.is_manager and owner.check_password(PASSWORD)
