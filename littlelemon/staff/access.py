"""Who may open which staff screen, and where each staff member lands after logging in.

The pages only hide what a role may not use; every action goes through the same service as the
API, which decides (`orders.transitions`, ...). A screen refuses a signed-in user without its
role with a 403 page; an anonymous visitor is sent to log in.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from littlelemon.accounts.two_factor import two_factor_redirect


@dataclass(frozen=True)
class Screen:
    url_name: str
    label: str
    may_open: Callable[[Any], bool]


def _kitchen_or_manager(user: Any) -> bool:
    return user.is_kitchen or user.is_manager


def _manager(user: Any) -> bool:
    return user.is_manager


def _delivery_crew(user: Any) -> bool:
    return user.is_delivery_crew


# In the order a staff member's landing page is chosen: a manager lands on the board.
SCREENS = (
    Screen("staff:orders", "Orders board", _manager),
    Screen("staff:kitchen", "Kitchen", _kitchen_or_manager),
    Screen("staff:floor", "Bookings", _manager),
    Screen("staff:deliveries", "Deliveries", _delivery_crew),
    Screen("staff:menu", "Menu", _manager),
    Screen("staff:settings", "Settings", _manager),
    Screen("staff:reports", "Reports", _manager),
    Screen("staff:people", "Staff", _manager),
)


def screens_for(user: Any) -> list[Screen]:
    """The staff screens `user` may open (none for a customer or a visitor)."""
    if not (user and user.is_authenticated and user.is_staff_member):
        return []
    return [screen for screen in SCREENS if screen.may_open(user)]


def staff_home_url(user: Any) -> str | None:
    """Where a staff member lands after logging in: their first screen; None for a customer."""
    screens = screens_for(user)
    return reverse(screens[0].url_name) if screens else None


def screen_required(may_open: Callable[[Any], bool]) -> Callable:
    """A view for users `may_open` allows: log in first, else 403; then the session must have
    given its two-factor code (or set it up, when required): accounts/two_factor.py."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not may_open(request.user):
                raise PermissionDenied("This screen is for other staff roles.")
            second_factor = two_factor_redirect(request)
            if second_factor is not None:
                return second_factor
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorate


kitchen_required = screen_required(_kitchen_or_manager)
manager_required = screen_required(_manager)
delivery_crew_required = screen_required(_delivery_crew)
