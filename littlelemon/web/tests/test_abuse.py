"""The web pages' share of the hardening: django-axes' lockout shown in the site's layout with
when to try again, and the sign-up form's stricter rate limit (the API's `signup` scope)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import time_format

from littlelemon.accounts.models import User
from littlelemon.accounts.tests.factories import UserFactory

from .htmltext import text

pytestmark = pytest.mark.django_db

PASSWORD = "lemons are sunshine"


def log_in(client, username, password):
    return client.post(reverse("web:login"), {"username": username, "password": password})


class TestLockout:
    def test_a_locked_out_web_login_gets_a_page_in_the_sites_layout_saying_when_to_try_again(self, client):
        tilly = UserFactory(username="tilly", password=PASSWORD)
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            refused = log_in(client, "tilly", "wrong")
            assert refused.status_code == 200 and "Please enter a correct username and password" in (
                text(refused.content, css_class="form-errors")
            )

        before = timezone.now()
        locked = log_in(client, "tilly", "wrong")
        still_locked = log_in(client, "tilly", PASSWORD)

        for response in (locked, still_locked):
            assert response.status_code == 429
            assert response["Retry-After"] == str(15 * 60)
            html = response.content.decode()
            assert text(html, tag="title").startswith("Log-in locked")
            assert text(html, tag="h1") == "Log-in is locked for a while"
            assert text(html, id="lockout-message") == (
                "Too many failed log-in attempts. Log-in is locked for 15 minutes: try again later."
            )
            assert 'aria-label="Main"' in html and "<footer" in html  # the site's layout, header and all
            retry = text(html, id="lockout-retry")
            expected = {
                time_format(timezone.localtime(before + timedelta(minutes=15, seconds=s)), settings.TIME_FORMAT)
                for s in range(0, 120)
            }
            assert retry.removeprefix("You can try again after ").removesuffix(".") in expected
        assert SESSION_KEY not in client.session
        assert tilly.pk  # still there, not logged in

    def test_before_the_limit_the_right_password_works(self, client):
        UserFactory(username="tilly", password=PASSWORD)
        log_in(client, "tilly", "wrong")

        assert log_in(client, "tilly", PASSWORD).status_code == 302
        assert client.session[SESSION_KEY]


class TestSignUpRateLimit:
    def sign_up(self, client, number):
        return client.post(
            reverse("web:signup"),
            {"username": f"user{number}", "email": f"user{number}@example.com", "password": PASSWORD},
        )

    def test_the_sign_up_form_is_limited_per_address_by_the_signup_rate(self, client, throttle_rates):
        throttle_rates(signup="2/min")

        assert self.sign_up(client, 1).status_code == 302
        client.logout()
        assert self.sign_up(client, 2).status_code == 302
        client.logout()
        refused = self.sign_up(client, 3)

        assert refused.status_code == 429
        assert 1 <= int(refused["Retry-After"]) <= 60
        assert text(refused.content, tag="h1") == "Please wait a moment"
        assert text(refused.content, id="throttled-message").startswith(
            "Too many sign-ups from your address. Please try again in"
        )
        assert sorted(User.objects.values_list("username", flat=True)) == ["user1", "user2"]

    def test_showing_the_form_does_not_count(self, client, throttle_rates):
        throttle_rates(signup="1/min")
        for _ in range(3):
            assert client.get(reverse("web:signup")).status_code == 200

        assert self.sign_up(client, 1).status_code == 302

    def test_the_api_and_the_form_share_the_limit(self, client, api_client, throttle_rates):
        throttle_rates(signup="1/min")
        api = api_client.post(
            "/api/v1/auth/users/",
            {"username": "apiuser", "email": "api@example.com", "password": PASSWORD},
            format="json",
        )
        assert api.status_code == 201

        assert self.sign_up(client, 1).status_code == 429
        assert not User.objects.filter(username="user1").exists()

    def test_off_means_no_limit(self, client, throttle_rates):
        throttle_rates(signup=None)
        for number in range(4):
            assert self.sign_up(client, number).status_code == 302
            client.logout()


class TestEscaping:
    def test_a_username_with_markup_is_shown_as_text(self, client):
        user = UserFactory(username="<b>tilly</b>", first_name="")
        client.force_login(user)

        for page in ("web:orders", "web:bookings", "web:cart", "web:checkout"):
            html = client.get(reverse(page)).content.decode()

            assert "<b>tilly</b>" not in html
            assert "Your account: </span>&lt;b&gt;tilly&lt;/b&gt;</a>" in html
