"""The limits on every way to log in: the API's JWT log-in, the web log-in page, the admin's
log-in page and password reset requests. One set of counters for all of them, in the shared
`throttle` cache, so switching entry point buys nothing.

- Per address, across accounts (password spraying): every attempt counts against the `login`
  rate (THROTTLE_LOGIN_RATE, 10/min), reset requests included.
- Per account, across addresses (credential stuffing, a botnet guessing one password): failed
  log-ins of one username, from anywhere, count against `login_username`
  (THROTTLE_LOGIN_USERNAME_RATE, 10/hour). Past it, the account cannot be tried from any
  address that has not logged in to it before, until the oldest failure leaves the window.
  Addresses the owner has logged in from (remembered `KNOWN_ADDRESS_DAYS`, up to
  `KNOWN_ADDRESSES` of them) are not held back, so an attacker elsewhere slows the guessing
  down without locking the owner out. (django-axes still locks one account from one address
  after LOGIN_FAILURE_LIMIT failures: that lock cannot reach the owner's address either.)
- Reset requests for one e-mail address count against `login_username` the same way.

Refusals are a 429 with Retry-After: DRF's throttled JSON on the API, the site's 429 page on
pages. Usernames are counted by their `username_key`, so `Manager` and `ＭＡＮＡＧＥＲ` share
one budget; unknown usernames are counted like real ones (a 429 tells nothing about which
accounts exist).
"""

import functools
import hashlib
import math

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from littlelemon.core.http import is_api_request
from littlelemon.core.ratelimit import LoginRateThrottle, SharedRateThrottle, client_ident

from .usernames import username_key

KNOWN_ADDRESSES = 10
KNOWN_ADDRESS_DAYS = 90


def _digest(text: str) -> str:
    # Cache keys of a fixed length and alphabet, whatever a client typed.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _account(username: str) -> str:
    return "user:" + username_key(username)


def _reset_account(email: str) -> str:
    return "email:" + email.strip().casefold()


class AccountFailures(SharedRateThrottle):
    """Failed log-ins (or reset requests) of one account from any address, in the window of the
    `login_username` rate. Checking does not count: `record()` does."""

    scope = "login_username"

    def __init__(self, account: str):
        super().__init__()
        self.key = self.cache_format % {"scope": self.scope, "ident": _digest(account)}
        self.known_key = f"login_known_{_digest(account)}"

    def _recent(self) -> list[float]:
        self.now = self.timer()
        return [moment for moment in self.cache.get(self.key, []) if moment > self.now - self.duration]

    def record(self) -> None:
        if self.rate is None:
            return
        recent = self._recent()
        self.cache.set(self.key, [self.now, *recent][: self.num_requests], self.duration)

    def remember(self, request) -> None:
        """The address `request` came from logged in to this account."""
        ident = client_ident(request)
        known = [address for address in self.cache.get(self.known_key, []) if address != ident]
        self.cache.set(self.known_key, [ident, *known][:KNOWN_ADDRESSES], KNOWN_ADDRESS_DAYS * 86400)

    def wait_for(self, request) -> float | None:
        """Seconds before `request` may try this account again, or None when it may now."""
        if self.rate is None:
            return None
        self.history = self._recent()
        if len(self.history) < self.num_requests:
            return None
        if client_ident(request) in self.cache.get(self.known_key, []):
            return None
        return self.wait() or 1  # None when the rate was lowered below the failures kept


def login_wait(request, username: str) -> float | None:
    """Counts a log-in attempt for `username` from `request`'s address; returns the seconds to
    wait when one of the limits refuses it, else None."""
    return _attempt_wait(request, AccountFailures(_account(str(username))))


def password_reset_wait(request, email: str) -> float | None:
    """Counts a reset request for `email` from `request`'s address (against the account's
    budget too); returns the seconds to wait when refused, else None."""
    account = AccountFailures(_reset_account(str(email)))
    wait = _attempt_wait(request, account)
    if wait is None:
        account.record()
    return wait


def _attempt_wait(request, account: AccountFailures) -> float | None:
    address = LoginRateThrottle()
    if address.rate is not None and not address.allow_request(request, None):
        return address.wait() or 1
    return account.wait_for(request)


def login_failure_record(username: str) -> None:
    """A failed log-in of `username` that Django's authenticate() did not see (a wrong
    two-factor code after the right password): it counts against the account's budget too."""
    AccountFailures(_account(str(username))).record()


def login_succeeded(request, user) -> None:
    """Remember the address `user` logged in from (it is not held back by their account's limit)."""
    AccountFailures(_account(user.get_username())).remember(request)


@receiver(user_login_failed, dispatch_uid="littlelemon.accounts.ratelimit.count_failure")
def _count_failure(sender, credentials: dict, request=None, **kwargs) -> None:
    # Django's authenticate() sends this for every failed log-in: API, pages and admin alike.
    username = credentials.get("username")
    if username is not None:
        AccountFailures(_account(str(username))).record()


@receiver(user_logged_in, dispatch_uid="littlelemon.accounts.ratelimit.remember_address")
def _remember_address(sender, request, user, **kwargs) -> None:
    if request is not None:
        login_succeeded(request, user)


# --- answers ---------------------------------------------------------------------------------


def _wait_text(seconds: int) -> str:
    return f"{seconds} seconds" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"


def too_many_response(request: HttpRequest, wait: float, what: str, *, template: str = "429.html") -> HttpResponse:
    """429 with Retry-After: JSON under /api/ (DRF's throttled shape), the site's page otherwise
    (or `template`, given `message`: the fragment an htmx request swaps in)."""
    seconds = max(1, math.ceil(wait))
    if is_api_request(request):
        detail = f"Request was throttled. Expected available in {seconds} seconds."
        response = JsonResponse({"detail": detail, "code": "throttled"}, status=429)
    else:
        message = f"Too many {what}. Please try again in {_wait_text(seconds)}."
        response = render(request, template, {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def _limited(view, *, wait_for, field: str, what: str):
    """`view` behind a limit: a POST for which `wait_for(request, <the form's field>)` gives a
    wait is answered 429 ("too many <what>") before the form runs."""

    @functools.wraps(view)
    def limited(request, *args, **kwargs):
        if request.method == "POST":
            wait = wait_for(request, request.POST.get(field, ""))
            if wait is not None:
                return too_many_response(request, wait, what)
        return view(request, *args, **kwargs)

    limited.login_limited = True
    return limited


def login_limited(view):
    """A log-in form view (the web page, the admin's) behind the log-in limits."""
    return _limited(view, wait_for=login_wait, field="username", what="log-in attempts")


def password_reset_limited(view):
    """A password reset request form behind the same limits (per address, per e-mail address)."""
    return _limited(view, wait_for=password_reset_wait, field="email", what="password reset requests")


# --- the API's throttle classes (DRF answers their refusals with its throttled JSON) ----------


class LoginAccountThrottle:
    """The per-account limit on the API's log-in (the per-address one is LoginRateThrottle)."""

    def allow_request(self, request, view) -> bool:
        username = request.data.get("username", "") if hasattr(request.data, "get") else ""
        self.wait_seconds = AccountFailures(_account(str(username))).wait_for(request)
        return self.wait_seconds is None

    def wait(self) -> float | None:
        return self.wait_seconds
