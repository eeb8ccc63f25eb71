"""Checkout, an order's page with its live status, and the customer's orders.

Checkout offers a visitor to log in or sign up (their cart comes along, and so do they, back
to checkout) or to order as a guest with their name, e-mail and phone: the order is placed from
their guest cart (web/cart.py) and the guest lands on the order's tracking page
(web/views/guest.py); a guest's "Place order" counts against the address's guest limit
(`guest_limit_wait`, THROTTLE_GUEST_RATE, as on the API), past which it is a 429 and places
nothing. "Place order" calls `order_place` with an
idempotency key rendered into the form, so a double submission makes one order. A refusal is
shown next to the field it concerns and what was chosen is kept, also across a trip to remove a
sold-out dish (a draft in the session).

The order page re-fetches a small fragment while the order is under way (htmx): when the live
stream (littlelemon/live) says one of the customer's orders changed, or every few seconds with
LIVE_MODE=poll; 204 No Content while nothing happened to this order (htmx then leaves the page
alone), the new timeline when something did, and a fragment without the trigger once the order
is finished. Each answer carries a
weak ETag (the fragment holds a CSRF token) from the user, the query and the orders' stamps; a
poll whose `If-None-Match` still matches is a 304 that reads nothing but the stamps.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from littlelemon.accounts.ratelimit import too_many_response
from littlelemon.cart.services import ReorderResult, cart_reorder
from littlelemon.core.conditional import etag_for, etag_version, not_modified, set_cache_headers
from littlelemon.core.exceptions import ApplicationError
from littlelemon.observability.metrics import order_placement_timer
from littlelemon.orders import guests, placement, pricing, transitions
from littlelemon.orders import selectors as order_selectors
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.exceptions import CartEmpty, IdempotencyKeyReused, OrderNotFound
from littlelemon.orders.lifecycle import Actor, who_may
from littlelemon.pages.forms import add_application_error
from littlelemon.pages.http import htmx_fragment, run_and_say
from littlelemon.payments.selectors import order_payments

from ..cart import cart_for
from ..forms import ASAP, LATER, CheckoutForm, GuestCheckoutForm, QuoteForm
from ..info import restaurant_info_for
from ..tracking import tracking_for
from .guest import guest_limit_wait

DRAFT_KEY = "checkout_draft"
DRAFT_FIELDS = ("fulfilment", "delivery_address", "when", "scheduled_for", "tip", "payment_method", "notes")
ORDERS_PER_PAGE = 10


def _summary_context(request: HttpRequest, *, fulfilment: str, tip) -> dict:
    cart = cart_for(request)
    quote = pricing.order_quote(
        lines=cart.lines, fulfilment=fulfilment, tip=tip, settings=restaurant_info_for(request).settings
    )
    return {"cart": cart, "quote": quote, "fulfilment": fulfilment}


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    if htmx_fragment(request) and request.method == "GET":  # the summary, for other choices
        context = _summary_context(request, **QuoteForm(request.GET).quote_data())
        response = render(request, "web/partials/checkout_summary.html", context)
        patch_vary_headers(response, ("HX-Request",))
        return response
    guest = not request.user.is_authenticated
    info = restaurant_info_for(request)
    times = order_selectors.order_times(now=info.now, schedule=info.schedule, settings=info.settings)
    form_options = {"times": times, "today": info.today}
    form_class = GuestCheckoutForm if guest else CheckoutForm
    if request.method == "POST":
        form = form_class(request.POST, **form_options)
        if form.is_valid():
            wait = guest_limit_wait(request) if guest else None
            if wait is not None:  # what was typed is kept for the next visit of checkout
                _keep_draft(request)
                return too_many_response(request, wait, "guest orders from your address")
            try:
                with order_placement_timer(channel="web"):
                    order, created = _place(request, form)
            except IdempotencyKeyReused as error:  # this form was sent before, then changed: show that order
                messages.info(request, "This order was already placed; here it is.")
                return redirect(_order_url(request, error.extra["order"], guest=guest))
            except ApplicationError as error:
                add_application_error(form, error, field="when" if error.code == "restaurant_closed" else None)
            else:
                if order.status == OrderStatus.PENDING_PAYMENT:  # paid online: the card step, cart kept
                    return redirect("web:order_pay", order.pk)
                request.session.pop(DRAFT_KEY, None)
                if created:
                    messages.success(request, f"Thank you! Your order #{order.pk} is placed.")
                return redirect(_order_url(request, order.pk, guest=guest))
        _keep_draft(request)
    else:
        initial = {
            "delivery_address": "" if guest else order_selectors.order_last_delivery_address(user=request.user),
            "when": ASAP if times.asap else LATER,
            **request.session.get(DRAFT_KEY, {}),
            "idempotency_key": uuid.uuid4().hex,
        }
        form = form_class(initial=initial, **form_options)
    choices = QuoteForm({"fulfilment": form["fulfilment"].value(), "tip": form["tip"].value()}).quote_data()
    context = {
        "form": form,
        "times": times,
        "poll": False,
        "guest": guest,
        "online_payments": placement.online_payments_enabled(),
        **_summary_context(request, **choices),
    }
    return render(request, "web/checkout.html", context)


def _keep_draft(request: HttpRequest) -> None:
    """What the refused form chose, shown again on the next visit of checkout."""
    request.session[DRAFT_KEY] = {name: request.POST.get(name, "") for name in DRAFT_FIELDS}


def _place(request: HttpRequest, form) -> tuple:
    """`order_place` for the signed-in customer, or for a visitor from their guest cart (kept
    after the order, emptied: a second "Place order" with the form's key finds the first order)."""
    if request.user.is_authenticated:
        return placement.order_place(customer=request.user, **form.order_data())
    guest = guests.guest_details_checked(**form.guest_data())
    guest_cart = cart_for(request).guest_cart
    if guest_cart is None:  # never added a dish: nothing to order, and no row made for it
        raise CartEmpty()
    return placement.order_place(guest_cart=guest_cart, guest=guest, **form.order_data())


def _order_url(request: HttpRequest, order_id: int, *, guest: bool) -> str:
    """The order's page: a guest's is its tracking link."""
    if not guest:
        return reverse("web:order", args=[order_id])
    token = guests.order_tracking_token(order_id)
    return reverse("web:order_tracked", args=[token])


def _order_or_404(request: HttpRequest, order_id: int, *, items: bool = True):
    try:
        return order_selectors.order_with_timeline_get(user=request.user, order_id=order_id, items=items)
    except OrderNotFound:
        raise Http404("No such order.") from None


def _tracking_context(request: HttpRequest, order) -> dict:
    """The customer cancels here, as the order's customer (staff act on their own screens, which
    ask for a reason: a manager opening a customer's order page is offered the board instead)."""
    own = order.customer_id == request.user.pk
    return {
        "tracking": tracking_for(order),
        "can_cancel": own and Actor.CUSTOMER in who_may(order, OrderStatus.CANCELLED),
        "on_the_board": not own and request.user.is_manager,
    }


@login_required
@require_GET
def order(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_or_404(request, order_id)
    context = {"order": order, "payments": order_payments(order.pk), **_tracking_context(request, order)}
    return render(request, "web/order.html", context)


@login_required
@require_GET
def order_status(request: HttpRequest, order_id: int) -> HttpResponse:
    """The polled fragment: 204 while nothing happened since event `since`; 304 while the ETag
    the poller sends still holds."""
    etag = _order_status_etag(request)
    if etag is not None:
        response = not_modified(request, etag, public=False)
        if response is not None:
            return response
    order = _order_or_404(request, order_id, items=False)
    context = _tracking_context(request, order)
    if str(context["tracking"].last_event_id) == request.GET.get("since"):
        response = HttpResponse(status=204)
    else:
        response = render(request, "web/partials/order_tracking.html", {**context, "announce": True})
    return response if etag is None else set_cache_headers(response, etag, public=False)


def _order_status_etag(request: HttpRequest) -> str | None:
    """What the fragment shows depends on: the user's orders with their timeline and the names on
    them (`order_list_stamps`), the user and their roles. None where that cannot be stamped."""
    names = order_selectors.order_list_stamps(request.user)
    version = None if names is None else etag_version(names, user_id=request.user.pk)
    return None if version is None else etag_for(request, version, user_id=request.user.pk, weak=True)


@login_required
@require_POST
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_or_404(request, order_id, items=False)
    run_and_say(
        request,
        lambda: transitions.order_status_change(order=order.pk, actor=request.user, status=OrderStatus.CANCELLED),
        f"Order #{order.pk} is cancelled.",
    )
    return redirect("web:order", order.pk)


@login_required
@require_GET
def orders(request: HttpRequest) -> HttpResponse:
    """The orders the customer placed, newest first (staff see their own here too, not the shop's)."""
    mine = order_selectors.order_list_visible_to(user=request.user).filter(customer=request.user)
    page = Paginator(mine, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "web/orders.html", {"page": page})


def _reorder_messages(request: HttpRequest, result: ReorderResult) -> None:
    """One message for what went in the cart, one per line that did not (fully), with why."""
    added = sum(line.added for line in result.lines)
    if added:
        messages.success(request, f"{added} dish{'es' if added != 1 else ''} added to your cart at today's prices.")
    for line in result.problems:
        if line.added:
            messages.warning(request, f"{line.title}: {line.added} of {line.quantity} added, {line.message}.")
        else:
            messages.warning(request, f"{line.title} was not added: {line.message}.")


@login_required
@require_POST
def order_again(request: HttpRequest, order_id: int) -> HttpResponse:
    """Order again: the order's lines go in the cart (`cart_reorder`), then the cart says what did."""
    order = _order_or_404(request, order_id, items=False)
    try:
        result = cart_reorder(user=request.user, order=order)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("web:orders")
    _reorder_messages(request, result)
    return redirect("web:cart")
