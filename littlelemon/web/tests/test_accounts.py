"""Sign up, log in, log out, password change and reset, in the site's pages."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from littlelemon.accounts.models import User
from littlelemon.accounts.tests.factories import PASSWORD, UserFactory

from .htmltext import elements, text, texts

pytestmark = pytest.mark.django_db

SIGNUP = reverse("web:signup")
LOGIN = reverse("web:login")
LOGOUT = reverse("web:logout")
GOOD_PASSWORD = "a lemon a day keeps"


def field_errors(response, field: str) -> list[str]:
    return texts(response.content, id=f"id_{field}_error")


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


class TestSignUp:
    def test_creates_a_customer_logs_them_in_and_welcomes_them(self, client):
        response = client.post(
            SIGNUP, {"username": "tilly", "email": "Tilly@Example.COM", "password": GOOD_PASSWORD}, follow=True
        )

        user = User.objects.get()
        assert (user.username, user.email, user.is_customer) == ("tilly", "Tilly@example.com", True)
        assert user.check_password(GOOD_PASSWORD)
        assert int(signed_in_user_id(client)) == user.pk
        assert response.redirect_chain == [("/", 302)]
        assert text(response.content, css_class="message--success") == "Welcome, tilly! Your account is ready."
        assert "Log out" in text(response.content, css_class="site-nav")

    def test_returns_to_a_safe_next_page_only(self, client):
        response = client.post(
            f"{SIGNUP}?next=/menu/", {"username": "a1", "email": "a1@example.com", "password": GOOD_PASSWORD}
        )
        assert response.url == "/menu/"

        client.logout()
        response = client.post(
            SIGNUP,
            {"username": "a2", "email": "a2@example.com", "password": GOOD_PASSWORD, "next": "https://evil.example/"},
        )
        assert response.url == "/"

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"username": "TAKEN"}, "username", "A user with that username already exists."),
            ({"email": "taken@EXAMPLE.com"}, "email", "An account with this email address already exists."),
            ({"username": "no spaces!"}, "username", "Enter a valid username."),
            ({"email": "not-an-email"}, "email", "Enter a valid email address."),
            ({"password": "short"}, "password", "This password is too short. It must contain at least 8 characters."),
            ({"password": "12345678901"}, "password", "This password is entirely numeric."),
            ({"password": "newcomer1"}, "password", "The password is too similar to the username."),
            ({"username": ""}, "username", "This field is required."),
        ],
    )
    def test_errors_show_next_to_the_field_and_keep_what_was_typed(self, client, data, field, message):
        UserFactory(username="taken", email="taken@example.com")
        form = {"username": "newcomer1", "email": "new@example.com", "password": GOOD_PASSWORD, **data}

        response = client.post(SIGNUP, form)

        assert response.status_code == 200
        assert message in " ".join(field_errors(response, field))
        assert User.objects.count() == 1
        assert signed_in_user_id(client) is None
        html = response.content.decode()
        assert f'aria-describedby="id_{field}_' in html and 'aria-invalid="true"' in html
        if field != "username":
            assert 'value="newcomer1"' in html  # nothing the visitor typed is lost (but the password)
        assert GOOD_PASSWORD not in html

    def test_the_service_refusal_is_shown_on_the_form(self, client, monkeypatch):
        """A name taken between the form's check and the insert: the service's error, on the field."""
        from littlelemon.web import forms

        monkeypatch.setattr(forms, "username_taken", lambda username: False)
        UserFactory(username="racer")

        response = client.post(SIGNUP, {"username": "racer", "email": "r@example.com", "password": GOOD_PASSWORD})

        assert field_errors(response, "username") == ["A user with that username already exists."]
        assert User.objects.filter(username="racer").count() == 1

    def test_labels_help_and_autocomplete(self, client):
        html = client.get(SIGNUP).content.decode()

        assert '<label class="field__label" for="id_username">Username</label>' in html
        assert '<label class="field__label" for="id_email">Email address</label>' in html
        assert '<label class="field__label" for="id_password">Password</label>' in html
        assert 'autocomplete="new-password"' in html
        assert "Your password must contain at least 8 characters." in text(html, id="id_password_helptext")
        assert '<button type="submit" class="button button--primary button--block">Sign up</button>' in html

    def test_a_signed_in_visitor_is_sent_on(self, client, customer):
        client.force_login(customer)

        assert client.get(SIGNUP).url == "/"


class TestLogInAndOut:
    def test_log_in_then_out(self, client):
        user = UserFactory(username="tilly", first_name="Tilly")

        response = client.post(f"{LOGIN}?next=/menu/", {"username": "tilly", "password": PASSWORD, "next": "/menu/"})
        assert response.url == "/menu/"
        assert int(signed_in_user_id(client)) == user.pk

        page = client.get("/")
        assert "Your account: Tilly" in text(page.content, css_class="site-nav")

        response = client.post(LOGOUT, follow=True)
        assert signed_in_user_id(client) is None
        assert response.redirect_chain == [("/", 302)]
        assert text(response.content, css_class="message--info") == "You have logged out."
        assert text(response.content, css_class="site-nav") == "Menu Book a table Cart 0 items Log in Sign up"

    def test_wrong_password_says_so_and_logs_nobody_in(self, client):
        UserFactory(username="tilly")

        response = client.post(LOGIN, {"username": "tilly", "password": "wrong"})

        assert response.status_code == 200
        errors = text(response.content, css_class="form-errors")
        assert errors.startswith("Please enter a correct username and password")
        assert 'value="tilly"' in response.content.decode()
        assert signed_in_user_id(client) is None

    def test_log_out_is_a_post_only(self, client, customer):
        client.force_login(customer)

        assert client.get(LOGOUT).status_code == 405
        assert int(signed_in_user_id(client)) == customer.pk

    def test_log_out_needs_the_csrf_token(self, customer):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(customer)

        response = client.post(LOGOUT)

        assert response.status_code == 403
        assert text(response.content, tag="h1") == "Please try that again"
        assert int(signed_in_user_id(client)) == customer.pk

    def test_header_log_in_link_brings_the_visitor_back(self, client, menu):
        html = client.get("/menu/?search=lemon").content.decode()

        assert 'href="/account/login/?next=%2Fmenu%2F%3Fsearch%3Dlemon">Log in</a>' in html
        # ...but never to an account page (the log-in page would redirect to itself).
        assert 'href="/account/login/">Log in</a>' in client.get(SIGNUP).content.decode()

    def test_the_account_page_needs_a_login(self, client, customer):
        assert client.get(reverse("web:account")).url == "/account/login/?next=/account/"

        client.force_login(customer)
        response = client.get(reverse("web:account"))

        assert customer.username in text(response.content, css_class="details")
        assert '<a class="button" href="/account/password/">Change password</a>' in response.content.decode()


class TestPasswords:
    def test_change(self, client, customer):
        client.force_login(customer)

        response = client.post(
            reverse("web:password_change"),
            {"old_password": PASSWORD, "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
            follow=True,
        )

        customer.refresh_from_db()
        assert customer.check_password(GOOD_PASSWORD)
        assert response.redirect_chain == [("/account/", 302)]
        assert text(response.content, css_class="message--success") == "Your password has been changed."
        assert int(signed_in_user_id(client)) == customer.pk  # still logged in

    def test_change_refuses_a_wrong_old_password(self, client, customer):
        client.force_login(customer)

        response = client.post(
            reverse("web:password_change"),
            {"old_password": "nope", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
        )

        assert field_errors(response, "old_password") == [
            "Your old password was entered incorrectly. Please enter it again."
        ]
        customer.refresh_from_db()
        assert customer.check_password(PASSWORD)

    def test_reset_by_email(self, client, customer):
        response = client.post(reverse("web:password_reset"), {"email": customer.email.upper()})

        assert response.url == reverse("web:password_reset_done")
        assert len(mail.outbox) == 1
        email = mail.outbox[0]
        assert email.to == [customer.email]
        assert email.subject == "Reset your Little Lemon password"
        link = re.search(r"http://testserver(/account/password/reset/\S+/\S+/)", email.body).group(1)

        form = client.get(link, follow=True)
        assert text(form.content, tag="h1") == "Choose a new password"
        response = client.post(
            form.redirect_chain[-1][0], {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}, follow=True
        )
        assert text(response.content, tag="h1") == "Your new password is set"
        customer.refresh_from_db()
        assert customer.check_password(GOOD_PASSWORD)

        assert text(client.get(link, follow=True).content, tag="h1") == "This link has expired"

    def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(self, client):
        response = client.post(reverse("web:password_reset"), {"email": "nobody@example.com"}, follow=True)

        assert text(response.content, tag="h1") == "Check your email"
        assert mail.outbox == []


ACCOUNT = reverse("web:account")


def ticked(response, name: str) -> list[str]:
    """The values of the `name` checkboxes the page shows ticked."""
    return [
        attributes["value"]
        for tag, attributes in elements(response.content)
        if tag == "input" and attributes.get("name") == name and "checked" in attributes
    ]


class TestFoodPreferences:
    """The account page's food preferences form (`user_food_preferences_set`, as the API's)."""

    def test_the_page_shows_every_choice_and_what_was_saved(self, client, customer):
        customer.allergens_avoided = ["milk", "sesame"]
        customer.save()
        client.force_login(customer)

        response = client.get(ACCOUNT)

        assert texts(response.content, tag="legend") == ["Recommend only dishes that are", "Allergens to avoid"]
        boxes = [a for tag, a in elements(response.content) if tag == "input" and a.get("type") == "checkbox"]
        assert len(boxes) == 5 + 14
        assert ticked(response, "allergens_avoided") == ["milk", "sesame"]
        assert ticked(response, "dietary_requirements") == []
        assert 'name="csrfmiddlewaretoken"' in response.content.decode()

    def test_saving_stores_them_and_says_so(self, client, customer):
        client.force_login(customer)

        response = client.post(
            ACCOUNT,
            {"dietary_requirements": ["vegan", "vegetarian", "vegan"], "allergens_avoided": ["peanuts", "milk"]},
            follow=True,
        )

        assert response.redirect_chain == [(ACCOUNT, 302)]
        assert text(response.content, css_class="message--success") == (
            "Your food preferences are saved: recommendations follow them."
        )
        customer.refresh_from_db()
        assert customer.dietary_requirements == ["vegan", "vegetarian"]
        assert customer.allergens_avoided == ["milk", "peanuts"]
        assert ticked(response, "dietary_requirements") == ["vegetarian", "vegan"]  # in the menu's order

    def test_unticking_everything_clears_them(self, client, customer):
        customer.dietary_requirements, customer.allergens_avoided = ["vegan"], ["milk"]
        customer.save()
        client.force_login(customer)

        client.post(ACCOUNT, {})

        customer.refresh_from_db()
        assert customer.food_preferences == (frozenset(), frozenset())

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            (
                {"dietary_requirements": ["vegan", "carnivore"], "allergens_avoided": ["milk"]},
                "dietary_requirements",
                "Unknown dietary tag 'carnivore': choose from vegetarian, vegan, gluten-free, dairy-free, nut-free.",
            ),
            (
                {"dietary_requirements": ["vegan"], "allergens_avoided": ["milk", "gluten-ish"]},
                "allergens_avoided",
                "Unknown allergen 'gluten-ish': choose from celery, gluten, crustaceans, eggs, fish, lupin, milk, "
                "molluscs, mustard, tree-nuts, peanuts, sesame, soybeans, sulphites.",
            ),
        ],
    )
    def test_an_unknown_code_is_refused_and_nothing_changes(self, client, customer, data, field, message):
        customer.dietary_requirements, customer.allergens_avoided = ["vegetarian"], ["eggs"]
        customer.save()
        client.force_login(customer)

        response = client.post(ACCOUNT, data)

        assert response.status_code == 400
        assert field_errors(response, field) == [message]
        assert "message--success" not in response.content.decode()
        customer.refresh_from_db()
        assert customer.food_preferences == (frozenset({"vegetarian"}), frozenset({"eggs"}))
        # What was ticked is shown again, the unknown code aside.
        assert ticked(response, "dietary_requirements") == [c for c in data["dietary_requirements"] if c != "carnivore"]

    def test_a_visitor_is_sent_to_log_in_and_nothing_changes(self, client, customer):
        response = client.post(ACCOUNT, {"allergens_avoided": ["milk"]})

        assert response.status_code == 302 and response.url == "/account/login/?next=/account/"
        customer.refresh_from_db()
        assert customer.allergens_avoided is None

    def test_only_the_signed_in_users_own_are_changed(self, client, customer, other_customer):
        client.force_login(customer)

        # A user's id in the form (or the query) is not read: the page only ever writes its user's.
        client.post(f"{ACCOUNT}?user={other_customer.pk}", {"user": other_customer.pk, "allergens_avoided": ["fish"]})

        customer.refresh_from_db()
        other_customer.refresh_from_db()
        assert customer.allergens_avoided == ["fish"]
        assert other_customer.allergens_avoided is None

    def test_a_post_without_the_csrf_token_is_refused(self, customer):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(customer)

        response = client.post(ACCOUNT, {"allergens_avoided": ["milk"]})

        assert response.status_code == 403
        customer.refresh_from_db()
        assert customer.allergens_avoided is None

    def test_saving_runs_a_fixed_number_of_queries(self, client, customer, django_assert_num_queries):
        client.force_login(customer)

        # the session, the user, the update of their two columns (the message travels in a cookie)
        with django_assert_num_queries(3) as captured:
            client.post(ACCOUNT, {"dietary_requirements": ["vegan"], "allergens_avoided": ["milk", "eggs"]})

        assert 'UPDATE "accounts_user" SET "dietary_requirements"' in captured.captured_queries[2]["sql"]
