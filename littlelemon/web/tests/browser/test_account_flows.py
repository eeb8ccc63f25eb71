"""A visitor signs up, logs out, logs in, changes and resets the password, and a customer saves
food preferences on a phone, in Chromium."""

import re

from django.core import mail
from playwright.sync_api import Page, expect

from littlelemon.accounts.models import User
from littlelemon.menu.models import MenuItem

from .journeys import always_open
from .test_phone import horizontal_overflow

FIRST_PASSWORD = "lemons are sunshine"
SECOND_PASSWORD = "olive trees grow slowly"


def nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def log_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_sign_up_log_out_log_in_and_change_the_password(page: Page, demo):
    page.goto("/menu/")
    nav(page).get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")

    page.get_by_label("Username").fill("tilly")
    page.get_by_label("Email address").fill("tilly@example.com")
    page.get_by_label("Password").fill("12345")
    page.get_by_role("button", name="Sign up").click()
    # Refused next to the field, with the keyboard put on it, and nothing typed is lost.
    password = page.get_by_label("Password")
    expect(password).to_have_accessible_description(re.compile("This password is too short"))
    expect(password).to_be_focused()
    expect(page.get_by_label("Username")).to_have_value("tilly")
    assert not User.objects.filter(username="tilly").exists()

    password.fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/menu/$"))  # back where the visitor was
    expect(page.get_by_role("status").first).to_have_text("Welcome, tilly! Your account is ready.")
    expect(nav(page).get_by_role("link", name="Your account: tilly")).to_be_visible()

    nav(page).get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Log in")).to_be_visible()

    nav(page).get_by_role("link", name="Log in").click()
    log_in(page, "tilly", "not my password")
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password")
    log_in(page, "tilly", FIRST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    nav(page).get_by_role("link", name="Your account: tilly").click()

    page.get_by_role("link", name="Change password").click()
    page.get_by_label("Old password").fill(FIRST_PASSWORD)
    page.get_by_label("New password", exact=True).fill(SECOND_PASSWORD)
    page.get_by_label("New password confirmation").fill(SECOND_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()
    assert User.objects.get(username="tilly").check_password(SECOND_PASSWORD)

    nav(page).get_by_role("button", name="Log out").click()
    nav(page).get_by_role("link", name="Log in").click()
    log_in(page, "tilly", SECOND_PASSWORD)
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()


def test_reset_a_forgotten_password_by_email(page: Page, demo):
    page.goto("/account/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("customer@littlelemon.localhost")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    # The live server runs in this process: its locmem email backend fills the same outbox.
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/account/password/reset/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(SECOND_PASSWORD)
    page.get_by_label("New password confirmation").fill(SECOND_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new password is set")

    page.get_by_role("main").get_by_role("link", name="Log in").click()
    log_in(page, "customer", SECOND_PASSWORD)
    expect(nav(page).get_by_role("link", name="Your account: Tilly")).to_be_visible()


def test_htmx_posts_carry_the_csrf_token_and_plain_scripted_posts_are_refused(page: Page, demo):
    """What phase 2's htmx forms ("Add to cart") rely on: static/web/app.js puts the token from
    <meta name="csrf-token"> in the X-CSRFToken header of every htmx request that writes."""
    page.goto("/account/login/")
    log_in(page, "customer", "lemon-customer")
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()

    refused = page.evaluate("fetch('/account/logout/', {method: 'POST'}).then(response => response.status)")
    assert refused == 403  # no token: Django's CSRF protection refuses it, still logged in
    page.reload()
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()

    page.evaluate("htmx.ajax('POST', '/account/logout/', {target: '#main', swap: 'none'})")
    page.reload()
    expect(nav(page).get_by_role("link", name="Log in")).to_be_visible()


def test_food_preferences_on_a_phone_leave_out_what_they_exclude(phone: Page, demo):
    """Ticked and saved on the account page at 360 px (a plain form), then followed by the home
    page's recommendations."""
    always_open()
    phone.goto("/account/login/")
    log_in(phone, "customer", "lemon-customer")
    nav(phone).get_by_role("link", name=re.compile("^Your account")).tap()
    expect(phone.get_by_role("heading", level=2, name="Food preferences")).to_be_visible()
    assert horizontal_overflow(phone) == 0, "/account/ scrolls sideways on a 360 px screen"

    phone.get_by_role("checkbox", name="Vegetarian").tap()
    phone.get_by_role("checkbox", name="Milk").tap()
    phone.get_by_role("button", name="Save food preferences").tap()

    expect(phone.get_by_role("status").first).to_have_text(
        "Your food preferences are saved: recommendations follow them."
    )
    expect(phone.get_by_role("checkbox", name="Vegetarian")).to_be_checked()
    expect(phone.get_by_role("checkbox", name="Milk")).to_be_checked()
    expect(phone.get_by_role("checkbox", name="Vegan")).not_to_be_checked()
    assert horizontal_overflow(phone) == 0
    customer = User.objects.get(username="customer")
    assert customer.food_preferences == (frozenset({"vegetarian"}), frozenset({"milk"}))

    phone.goto("/")
    titles = phone.locator("section.recommended .dish-card__title").all_inner_texts()
    assert titles, "the home page recommends nothing"
    recommended = MenuItem.objects.filter(title__in=titles)
    assert len(recommended) == len(titles)
    assert all(dish.vegetarian and "milk" not in dish.allergens for dish in recommended), titles
