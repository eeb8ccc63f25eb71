"""The manager's order board (`/staff/orders/`, managers and admins).

Today's orders in columns by status (`orders.selectors.order_board`), kept current by the live
layer: the columns are a fragment (`board_columns`) that re-fetches on the stream's `orders`
events, or every LIVE_POLL_SECONDS in poll mode, with a weak ETag (304 while nothing changed).

Every action calls the same service as the API (`order_status_change`, `order_assign`,
`order_assign_least_busy`, `order_estimates_extend`, `orders_pause` / `orders_resume`); a
refusal is a message, never a 500. From a card, an htmx POST answers with the fresh columns
(and the message in them); a plain POST (no JavaScript, or the order's page) redirects back.
Rejecting and cancelling ask for a reason on a confirmation page first.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from littlelemon.core.conditional import etag_for, etag_version, not_modified, set_cache_headers
from littlelemon.core.exceptions import ApplicationError
from littlelemon.orders import operations, transitions
from littlelemon.orders import selectors as order_selectors
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.exceptions import OrderNotFound
from littlelemon.orders.lifecycle import ASSIGNABLE_STATUSES, PATHS, transitions_for
from littlelemon.orders.models import Order
from littlelemon.orders.operations import EXTEND_MINUTES_MAX, EXTEND_MINUTES_MIN
from littlelemon.orders.transitions import ESTIMATED_MINUTES_MAX, ESTIMATED_MINUTES_MIN, MAX_NOTE_LENGTH
from littlelemon.pages.http import htmx_fragment, run_and_say, safe_next
from littlelemon.restaurant import services as restaurant_services
from littlelemon.restaurant.services import ORDERS_PAUSED_MESSAGE_MAX
from littlelemon.web.info import restaurant_info_for

from ..access import manager_required

# What the accept form offers first, and the extend form.
DEFAULT_ESTIMATE_MINUTES = 30
DEFAULT_EXTEND_MINUTES = 15
# The stamps the columns are made of: the orders (with their items), the names on them, the
# settings row (busy mode). The user and their roles are in the ETag too; the minute as well,
# for the ages the cards show (and the drivers list, whose roles are not stamped as a whole).
COLUMNS_STAMPS = ("orders", "people", "restaurant")
# The steps the board offers as a plain button (accepting wants an estimate, rejecting and
# cancelling a reason): forward along the order's path only.
ADVANCE_LABELS = {
    OrderStatus.PREPARING: "Start preparing",
    OrderStatus.READY: "Mark ready",
    OrderStatus.OUT_FOR_DELIVERY: "Out for delivery",
    OrderStatus.DELIVERED: "Mark delivered",
    OrderStatus.COLLECTED: "Mark collected",
}
DESTRUCTIVE = {
    "reject": (OrderStatus.REJECTED, "Reject", "rejected"),
    "cancel": (OrderStatus.CANCELLED, "Cancel", "cancelled"),
}


def _scheduled_lead() -> timedelta:
    return timedelta(minutes=settings.KITCHEN_SCHEDULED_LEAD_MINUTES)


def _actions_for(order: Order, user) -> dict:
    """What the board offers on one order (the services decide; this only hides)."""
    allowed = transitions_for(order, user)
    path = PATHS[order.fulfilment]
    here = path.index(order.status) if order.status in path else len(path)
    return {
        "accept": OrderStatus.ACCEPTED in allowed,
        "reject": OrderStatus.REJECTED in allowed,
        "cancel": OrderStatus.CANCELLED in allowed,
        "advance": [
            (status, ADVANCE_LABELS[status])
            for status in allowed
            if status in ADVANCE_LABELS and status in path and path.index(status) > here
        ],
        "assign": order.fulfilment == "delivery" and order.status in ASSIGNABLE_STATUSES,
    }


def _columns_context(request: HttpRequest) -> dict:
    now = timezone.now()
    board = order_selectors.order_board(now=now, scheduled_lead=_scheduled_lead())
    drivers = list(order_selectors.delivery_crew_with_load())
    for column in board.columns:
        for order in column.orders:
            order.actions = _actions_for(order, request.user)
    return {
        "board": board,
        "drivers": drivers,
        "now": now,
        "estimate_default": DEFAULT_ESTIMATE_MINUTES,
        "estimate_min": ESTIMATED_MINUTES_MIN,
        "estimate_max": ESTIMATED_MINUTES_MAX,
    }


def _columns_etag(request: HttpRequest) -> str | None:
    version = etag_version(COLUMNS_STAMPS, user_id=request.user.pk)
    if version is None:
        return None
    bucket = timezone.now().replace(second=0, microsecond=0).isoformat()
    return etag_for(request, version, user_id=request.user.pk, bucket=bucket, weak=True)


def _columns_response(request: HttpRequest, *, show_messages: bool = False) -> HttpResponse:
    context = {**_columns_context(request), "show_messages": show_messages}
    response = render(request, "staff/orders/partials/columns.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@manager_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    restaurant = restaurant_info_for(request).settings  # the page's header reads the same row
    context = {
        **_columns_context(request),
        "query": query,
        "results": order_selectors.order_board_search(query=query) if query else None,
        "paused": restaurant.orders_paused,
        "paused_message": restaurant.orders_paused_message,
        "paused_message_max": ORDERS_PAUSED_MESSAGE_MAX,
        "extend_default": DEFAULT_EXTEND_MINUTES,
        "extend_min": EXTEND_MINUTES_MIN,
        "extend_max": EXTEND_MINUTES_MAX,
    }
    return render(request, "staff/orders/board.html", context)


@manager_required
@require_GET
def board_columns(request: HttpRequest) -> HttpResponse:
    """The live fragment: 304 while the client's ETag still holds."""
    etag = _columns_etag(request)
    if etag is not None:
        response = not_modified(request, etag, public=False)
        if response is not None:
            return response
    response = _columns_response(request)
    return response if etag is None else set_cache_headers(response, etag, public=False)


def _order_or_404(request: HttpRequest, order_id: int) -> Order:
    try:
        return order_selectors.order_board_detail(order_id=order_id)
    except OrderNotFound:
        raise Http404("No such order.") from None


@manager_required
@require_GET
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    return order_detail_page(request, _order_or_404(request, order_id))


def order_detail_page(
    request: HttpRequest, order: Order, *, refund_form: Any = None, status: int = 200
) -> HttpResponse:
    """The order's page; with the payments and a refund form (views/payments.py re-renders it
    with the form's errors)."""
    from littlelemon.payments.selectors import order_payments

    from ..forms import RefundForm

    order.actions = _actions_for(order, request.user)
    payments = order_payments(order.pk)
    context = {
        "order": order,
        "drivers": list(order_selectors.delivery_crew_with_load(exclude_order_id=order.pk)),
        "estimate_default": DEFAULT_ESTIMATE_MINUTES,
        "estimate_min": ESTIMATED_MINUTES_MIN,
        "estimate_max": ESTIMATED_MINUTES_MAX,
        "payments": payments,
        "refundable": any(payment.captured_at and payment.refundable > 0 for payment in payments),
        "refund_form": refund_form or RefundForm(order=order),
    }
    return render(request, "staff/orders/detail.html", context, status=status)


def _done(request: HttpRequest) -> HttpResponse:
    """After an action: the fresh columns for htmx, else back where the form came from."""
    if htmx_fragment(request):
        return _columns_response(request, show_messages=True)
    return redirect(safe_next(request) or reverse("staff:orders"))


def _run(request: HttpRequest, action: Callable[[], Any], success: str | Callable[[Any], str]) -> HttpResponse:
    run_and_say(request, action, success)
    return _done(request)


def _whole_minutes(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


@manager_required
@require_POST
def order_accept(request: HttpRequest, order_id: int) -> HttpResponse:
    minutes = _whole_minutes(request.POST.get("estimated_minutes"))
    if minutes is None:
        messages.error(request, f"Order #{order_id}: give the estimated time in minutes.")
        return _done(request)

    def accept():
        return transitions.order_status_change(
            order=order_id, actor=request.user, status=OrderStatus.ACCEPTED, estimated_minutes=minutes
        )

    return _run(request, accept, f"Order #{order_id} accepted: ready in about {minutes} minutes.")


@manager_required
@require_POST
def order_advance(request: HttpRequest, order_id: int) -> HttpResponse:
    status = request.POST.get("status", "")
    if status not in ADVANCE_LABELS:
        messages.error(request, f"Order #{order_id}: use Accept, Reject or Cancel for that.")
        return _done(request)

    def advance():
        return transitions.order_status_change(order=order_id, actor=request.user, status=status)

    return _run(request, advance, f"Order #{order_id} is now {OrderStatus(status).label.lower()}.")


@manager_required
@require_http_methods(["GET", "POST"])
def order_stop(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    """Reject or cancel: a confirmation page asking for the reason (GET), then the change (POST,
    refused without a reason). Works without JavaScript."""
    status, verb, done = DESTRUCTIVE[action]
    order = _order_or_404(request, order_id)
    reason = request.POST.get("reason", "").strip() if request.method == "POST" else ""
    error = ""
    if request.method == "POST":
        if not reason:
            error = f"Give the reason the order is {done}: it is kept in the order's timeline."
        else:
            try:
                transitions.order_status_change(order=order.pk, actor=request.user, status=status, note=reason)
            except ApplicationError as refusal:
                error = refusal.message
            else:
                messages.success(request, f"Order #{order.pk} {done}.")
                return redirect(safe_next(request) or reverse("staff:orders"))
    context = {
        "order": order,
        "action": action,
        "verb": verb,
        "reason": reason,
        "error": error,
        "reason_max": MAX_NOTE_LENGTH,
        "next": safe_next(request),
    }
    return render(request, "staff/orders/confirm.html", context, status=400 if error else 200)


@manager_required
@require_POST
def order_assign(request: HttpRequest, order_id: int) -> HttpResponse:
    if "least_busy" in request.POST:

        def least_busy():
            order = operations.order_assign_least_busy(order=order_id, actor=request.user)
            return order.delivery_crew.get_full_name() or order.delivery_crew.username

        return _run(request, least_busy, lambda name: f"Order #{order_id} assigned to {name}, the least busy driver.")
    driver_id = _whole_minutes(request.POST.get("delivery_crew"))
    driver = order_selectors.delivery_crew_with_load().filter(pk=driver_id).first() if driver_id else None
    if driver is None:
        messages.error(request, f"Order #{order_id}: choose a driver from the list.")
        return _done(request)
    name = driver.get_full_name() or driver.username

    def assign():
        return transitions.order_assign(order=order_id, actor=request.user, delivery_crew=driver)

    return _run(request, assign, f"Order #{order_id} assigned to {name}.")


@manager_required
@require_POST
def orders_pause(request: HttpRequest) -> HttpResponse:
    if request.POST.get("action") == "resume":
        return _run(
            request, lambda: restaurant_services.orders_resume(actor=request.user), "Online orders are open again."
        )
    message = request.POST.get("message", "")
    return _run(
        request,
        lambda: restaurant_services.orders_pause(actor=request.user, message=message),
        "Online orders are paused: customers see your message and cannot order.",
    )


@manager_required
@require_POST
def estimates_extend(request: HttpRequest) -> HttpResponse:
    minutes = _whole_minutes(request.POST.get("minutes"))
    if minutes is None:
        messages.error(request, "Give the delay in whole minutes.")
        return _done(request)

    def extend():
        return len(operations.order_estimates_extend(actor=request.user, minutes=minutes))

    return _run(
        request,
        extend,
        lambda count: f"Estimates extended by {minutes} minutes ({count} order{'' if count == 1 else 's'}).",
    )
