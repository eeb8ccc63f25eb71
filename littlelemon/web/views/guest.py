"""Guests' pages: an order's public tracking page (the link on the confirmation page and in the
order's e-mails), claiming guest orders into an account, and the limit on ways in without an
account (`guest_limit_wait`).

The tracking page is the customer's order page, read-only, for whoever holds the link (its token
is the order's id signed under its own salt: `orders.guests`). It follows the order by polling
its status fragment (the live stream is for signed-in users). A forged or altered link is a 404.

Claiming: a signed-in user types the e-mail address they ordered with as a guest; a link is sent
to that address (limited per client address like sign-up: THROTTLE_GUEST_RATE); opening it while
signed in as the same user gives them the guest orders placed with that address.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods

from littlelemon.accounts.ratelimit import too_many_response
from littlelemon.core.exceptions import ApplicationError
from littlelemon.core.ratelimit import GuestRateThrottle
from littlelemon.orders import guests
from littlelemon.orders import selectors as order_selectors
from littlelemon.orders.exceptions import OrderNotFound

from ..forms import ClaimRequestForm
from ..tracking import tracking_for


def _tracked_or_404(token: str, *, items: bool = True):
    try:
        return order_selectors.order_tracked_get(token=token, items=items)
    except OrderNotFound:
        raise Http404("No such order.") from None


def _tracked_context(request: HttpRequest, order, token: str) -> dict:
    return {
        "tracking": tracking_for(order),
        "tracked_token": token,
        "tracked_url": request.build_absolute_uri(),
        "poll_seconds": settings.LIVE_POLL_SECONDS,
        "can_cancel": False,
        "on_the_board": False,
    }


def guest_limit_wait(request: HttpRequest) -> float | None:
    """The API's guest limit (scope `guest`, THROTTLE_GUEST_RATE, per client address, like
    sign-up) on the pages: None when `request` may go on (and is then counted), else how many
    seconds to wait. One budget for the guest carts an address makes (a visitor's first add, the
    API's `POST /cart/guest/`), the guest orders it places (web checkout and API) and the claim
    links it asks for."""
    throttle = GuestRateThrottle()
    if throttle.rate is None or throttle.allow_request(request, None):
        return None
    return throttle.wait() or 1


@require_GET
def order_tracked(request: HttpRequest, token: str) -> HttpResponse:
    order = _tracked_or_404(token)
    response = render(request, "web/order.html", {"order": order, **_tracked_context(request, order, token)})
    response["Referrer-Policy"] = "no-referrer"  # the link is the key: keep it out of other sites' logs
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def order_tracked_status(request: HttpRequest, token: str) -> HttpResponse:
    """The polled fragment of the tracking page: 204 while nothing happened since event `since`."""
    order = _tracked_or_404(token, items=False)
    context = _tracked_context(request, order, token)
    if str(context["tracking"].last_event_id) == request.GET.get("since"):
        return HttpResponse(status=204)
    return render(request, "web/partials/order_tracking.html", {**context, "announce": True})


@login_required
@require_http_methods(["GET", "POST"])
def claim_request(request: HttpRequest) -> HttpResponse:
    form = ClaimRequestForm(request.POST or None, initial={"email": request.user.email})
    if request.method == "POST":
        wait = guest_limit_wait(request)
        if wait is not None:
            return too_many_response(request, wait, "claim links from your address")
        if form.is_valid():
            email = form.cleaned_data["email"]
            link = request.build_absolute_uri(
                redirect("web:claim_confirm", guests.claim_token(user=request.user, email=email)).url
            )
            body = render_to_string("web/account/claim_email.txt", {"user": request.user, "link": link})
            transaction.on_commit(lambda: send_mail("Your guest orders", body, None, [email]))
            messages.success(
                request,
                f"We sent a link to {email}. Open it within a day, signed in as {request.user.username}, "
                "to add the guest orders placed with that address to your account.",
            )
            return redirect("web:orders")
    return render(request, "web/account/claim_request.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def claim_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (a link opened by a mail scanner changes nothing); POST claims."""
    if request.method == "POST":
        try:
            email, claimed = guests.guest_orders_claim(user=request.user, token=token)
        except ApplicationError as error:
            return render(request, "web/account/claim_confirm.html", {"problem": error.message}, status=400)
        if claimed:
            messages.success(request, f"{len(claimed)} guest order(s) placed with {email} are now in your account.")
        else:
            messages.info(request, f"There are no unclaimed guest orders placed with {email}.")
        return redirect("web:orders")
    return render(request, "web/account/claim_confirm.html", {"token": token})
