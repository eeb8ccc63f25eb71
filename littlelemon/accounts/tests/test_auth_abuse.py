"""Authentication abuse: forged and misused tokens, and password guessing.

The token lifecycle's ordinary cases (rotation, logout, expiry, a deactivated user's access
token) are in test_auth_api.py; this module is what an attacker tries.
"""

import base64
import json
from datetime import timedelta

import jwt
import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from littlelemon.accounts.models import User

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/users/me/"
LOGIN = "/api/v1/auth/jwt/create/"
REFRESH = "/api/v1/auth/jwt/refresh/"
LOGOUT = "/api/v1/auth/jwt/blacklist/"
LOCKED_OUT = "Too many failed log-in attempts. Log-in is locked for 15 minutes: try again later."


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims_for(user) -> dict:
    return dict(AccessToken.for_user(user).payload)


def get_me(authorization: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=authorization)
    return client.get(ME)


class TestForgedTokens:
    @pytest.mark.parametrize(
        "authorization",
        [
            "Bearer",
            "Bearer ",
            "Bearer not-a-token",
            "Bearer a.b.c",
            "Bearer a.b",
            "Bearer " + "A" * 10_000,
            "Bearer \u00e9\u00e9\u00e9.\u00e9.\u00e9",
            "Bearer one two",
        ],
    )
    def test_malformed_tokens_are_refused(self, authorization):
        response = get_me(authorization)

        assert response.status_code == 401
        assert response.json()["code"] in ("token_not_valid", "bad_authorization_header")

    @pytest.mark.parametrize("scheme", ["Token", "Basic", "JWT", "bearer"])
    def test_another_scheme_authenticates_nobody(self, scheme):
        token = AccessToken.for_user(UserFactory())

        response = get_me(f"{scheme} {token}")

        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    def test_a_token_signed_with_another_key_is_refused(self):
        forged = jwt.encode(claims_for(UserFactory()), "not-the-server-key-" * 4, algorithm="HS256")

        response = get_me(f"Bearer {forged}")

        assert response.status_code == 401 and response.json()["code"] == "token_not_valid"

    def test_an_alg_none_token_is_refused(self):
        claims = claims_for(UserFactory(is_superuser=True))
        unsigned = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."

        response = get_me(f"Bearer {unsigned}")

        assert response.status_code == 401 and response.json()["code"] == "token_not_valid"

    @pytest.mark.filterwarnings("ignore:The HMAC key is")  # the forger's choice, not the server's
    @pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
    def test_a_token_in_another_algorithm_is_refused_even_with_the_right_key(self, algorithm):
        forged = jwt.encode(claims_for(UserFactory()), settings.SIMPLE_JWT["SIGNING_KEY"], algorithm=algorithm)

        assert get_me(f"Bearer {forged}").status_code == 401

    def test_changing_the_user_in_a_signed_token_breaks_it(self):
        victim, attacker = UserFactory(), UserFactory()
        header, _payload, signature = str(AccessToken.for_user(attacker)).split(".")
        tampered = f"{header}.{b64(claims_for(attacker) | {'user_id': str(victim.pk)})}.{signature}"

        assert get_me(f"Bearer {tampered}").status_code == 401

    def test_a_refresh_token_is_not_an_access_token(self):
        response = get_me(f"Bearer {RefreshToken.for_user(UserFactory())}")

        assert response.status_code == 401
        assert response.json()["code"] == "token_not_valid"

    def test_an_access_token_is_not_a_refresh_token(self, api_client):
        response = api_client.post(REFRESH, {"refresh": str(AccessToken.for_user(UserFactory()))})

        assert response.status_code == 401

    def test_the_token_of_a_deleted_user_is_refused(self):
        user = UserFactory()
        token = AccessToken.for_user(user)
        user.delete()

        assert get_me(f"Bearer {token}").status_code == 401


class TestRefreshTokens:
    def test_an_expired_refresh_token_is_refused(self, api_client):
        token = RefreshToken.for_user(UserFactory())
        token.set_exp(lifetime=-timedelta(seconds=1))

        response = api_client.post(REFRESH, {"refresh": str(token)})

        assert response.status_code == 401 and response.json()["code"] == "token_not_valid"

    def test_a_deactivated_user_cannot_refresh(self, api_client):
        user = UserFactory()
        refresh = str(RefreshToken.for_user(user))
        User.objects.filter(pk=user.pk).update(is_active=False)

        response = api_client.post(REFRESH, {"refresh": refresh})

        assert response.status_code == 401
        assert "access" not in response.json()

    def test_a_rotated_out_token_cannot_be_logged_out_twice_or_reused(self, api_client):
        refresh = str(RefreshToken.for_user(UserFactory()))

        first_logout = api_client.post(LOGOUT, {"refresh": refresh})
        second_logout = api_client.post(LOGOUT, {"refresh": refresh})
        reuse = api_client.post(REFRESH, {"refresh": refresh})

        assert (first_logout.status_code, second_logout.status_code, reuse.status_code) == (200, 401, 401)

    def test_logging_out_needs_a_refresh_token_not_an_access_token(self, api_client):
        response = api_client.post(LOGOUT, {"refresh": str(AccessToken.for_user(UserFactory()))})

        assert response.status_code == 401


def login(client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


class TestApiLoginLockout:
    def fail(self, client, username: str, times: int, **extra) -> list[int]:
        return [login(client, username, "wrong-password", **extra).status_code for _ in range(times)]

    def test_repeated_failures_lock_the_account_from_that_address(self, api_client):
        user = UserFactory()

        failures = self.fail(api_client, user.username, settings.AXES_FAILURE_LIMIT)
        locked = login(api_client, user.username, PASSWORD)

        assert failures == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
        assert locked.status_code == 429
        assert locked.json() == {"detail": LOCKED_OUT, "code": "locked_out", "request_id": locked["X-Request-ID"]}
        assert locked["Retry-After"] == str(15 * 60)
        assert "access" not in locked.json()

    def test_a_huge_username_is_a_wrong_log_in_not_a_crash(self, api_client):
        response = login(api_client, "x" * 10_000, "wrong-password")

        assert response.status_code == 401
        assert AccessAttempt.objects.get().username == "x" * 255  # axes' column; PostgreSQL enforces it

    def test_the_limit_and_the_lockout_length_come_from_settings(self, api_client, settings):
        settings.AXES_FAILURE_LIMIT = 2
        settings.AXES_COOLOFF_TIME = timedelta(minutes=3)
        user = UserFactory()

        assert self.fail(api_client, user.username, 2) == [401, 429]
        locked = login(api_client, user.username, PASSWORD)
        assert locked["Retry-After"] == "180"
        assert "locked for 3 minutes" in locked.json()["detail"]

    def test_the_same_account_from_another_address_and_another_account_still_log_in(self, api_client):
        user, neighbour = UserFactory(), UserFactory()
        self.fail(api_client, user.username, settings.AXES_FAILURE_LIMIT)

        elsewhere = login(APIClient(REMOTE_ADDR="203.0.113.9"), user.username, PASSWORD)
        neighbour_here = login(api_client, neighbour.username, PASSWORD)

        assert (elsewhere.status_code, neighbour_here.status_code) == (200, 200)

    def test_the_lockout_ends_after_the_cool_off(self, api_client):
        user = UserFactory()
        self.fail(api_client, user.username, settings.AXES_FAILURE_LIMIT)

        AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))

        assert login(api_client, user.username, PASSWORD).status_code == 200

    def test_a_forged_x_forwarded_for_cannot_lock_out_someone_else(self, settings):
        settings.TRUSTED_PROXIES = 0
        user = UserFactory()
        attacker = APIClient(REMOTE_ADDR="198.51.100.66")
        self.fail(attacker, user.username, settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR="192.0.2.10")

        victim = login(APIClient(REMOTE_ADDR="192.0.2.10"), user.username, PASSWORD)

        assert victim.status_code == 200
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}

    def test_behind_a_trusted_proxy_the_forwarded_address_is_the_one_locked(self, settings):
        settings.TRUSTED_PROXIES = 1
        user = UserFactory()
        proxy = APIClient(REMOTE_ADDR="10.0.0.2")
        self.fail(proxy, user.username, settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR="198.51.100.66")

        attacker = login(proxy, user.username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.66")
        victim = login(proxy, user.username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.10")

        assert (attacker.status_code, victim.status_code) == (429, 200)


class TestFormLoginLockout:
    """Any log-in form built on Django's authenticate(): the admin's now, the web pages' later."""

    ADMIN_LOGIN = "/admin/login/?next=/admin/"

    def post(self, client, username: str, password: str):
        return client.post(self.ADMIN_LOGIN, {"username": username, "password": password})

    def test_the_admin_login_locks_out_with_a_clear_page(self, client):
        admin = UserFactory(is_staff=True, is_superuser=True)

        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert self.post(client, admin.username, "wrong-password").status_code == 200  # the form again
        locking = self.post(client, admin.username, "wrong-password")
        locked = self.post(client, admin.username, PASSWORD)

        for response in (locking, locked):
            assert response.status_code == 429
            assert response["Retry-After"] == str(15 * 60)
            assert LOCKED_OUT in response.content.decode()
        assert SESSION_KEY not in client.session

    def test_the_admin_login_works_before_the_limit(self, client):
        admin = UserFactory(is_staff=True, is_superuser=True)
        self.post(client, admin.username, "wrong-password")

        response = self.post(client, admin.username, PASSWORD)

        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(admin.pk)

    def test_failures_on_the_api_and_the_admin_count_together(self, client, api_client):
        admin = UserFactory(is_staff=True, is_superuser=True)
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(api_client, admin.username, "wrong-password")

        assert self.post(client, admin.username, PASSWORD).status_code == 429
