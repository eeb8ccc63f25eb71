"""`{% load web %}`: money, menu labels, and log-in links that bring the visitor back."""

from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from .. import formatting

register = template.Library()

# Pages a "Log in" link must not send the visitor back to (LoginView refuses redirect loops).
ACCOUNT_PAGES = frozenset(
    {
        "login",
        "logout",
        "signup",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
    }
)


@register.filter
def money(amount: Decimal | int | str | None, currency: str) -> str:
    return "" if amount in (None, "") else formatting.format_money(amount, currency)


@register.filter
def dietary_label(tag: str) -> str:
    return formatting.dietary_label(tag)


@register.filter
def allergen_label(code: str) -> str:
    return formatting.allergen_label(code)


@register.simple_tag(takes_context=True)
def url_with_next(context: template.Context, url_name: str) -> str:
    """The URL of `url_name` with `?next=` the current page, so logging in returns here."""
    url = reverse(url_name)
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name in ACCOUNT_PAGES or request.method != "GET":
        return url
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


@register.filter
def tel(phone: str) -> str:
    """`+1 312 555 0142` -> `+13125550142` for a `tel:` link."""
    return "".join(char for char in phone if char.isdigit() or char == "+")
