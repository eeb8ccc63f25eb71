"""`{% load pages %}` (customer and staff pages): money, menu labels, and log-in links that bring the visitor back."""

from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from littlelemon.restaurant.selectors import restaurant_today

from .. import formatting
from ..forms import when_label

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


@register.filter
def percent(rate: Decimal | int | str) -> str:
    """`Decimal("10.250")` -> `10.25%`."""
    number = Decimal(rate).normalize()
    return f"{number:f}%"


@register.filter
def minutes_label(minutes: int) -> str:
    """120 -> "2 hours", 90 -> "90 minutes", 60 -> "an hour"."""
    if minutes == 60:
        return "an hour"
    if minutes and minutes % 60 == 0:
        return f"{minutes // 60} hours"
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


@register.filter
def lookup(mapping: dict, key):
    """`mapping|lookup:key`: a dict's value by a variable key (None if absent)."""
    return mapping.get(key) if mapping else None


@register.filter
def relative_when(moment: datetime | None) -> str:
    """ "today at 5 p.m.", "tomorrow at 11:30 a.m.", "Wednesday 3 June at 7 p.m." (local time)."""
    if moment is None:
        return ""
    text = when_label(moment, restaurant_today())
    return text[0].lower() + text[1:] if text.startswith(("Today", "Tomorrow")) else text


@register.filter
def price_delta(amount: Decimal | int | str | None, currency: str) -> str:
    """An option's price difference, signed ("+$2.00", "−$1.00"); "" for none or zero."""
    try:
        value = Decimal(str(amount))
    except (ArithmeticError, ValueError):
        return ""
    if not value:
        return ""
    text = formatting.format_money(value, currency)
    return text if value < 0 else f"+{text}"
