"""Paying an order online by card (littlelemon/payments/card.py): the card step after checkout.

GET shows the order's total and the card field (Stripe.js from settings.STRIPE_JS_URL, the
Card Element; static/web/pay.js turns the card into a token and posts it). POST charges it:
paid, the order page; 3-D Secure, this page again with the intent's client secret, which
pay.js hands to Stripe.js and then comes back to `order_pay_return`; declined, this page with
Stripe's message (the order still waits, the cart is untouched; redirected to a GET of this page,
which shows it next to the card field). Stripe.js's origin is added
to this page's Content-Security-Policy only (script, frame and connect sources).
"""

from urllib.parse import urlsplit

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from littlelemon.core.exceptions import ApplicationError
from littlelemon.orders import selectors as order_selectors
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.exceptions import OrderNotFound
from littlelemon.payments import card, gateway
from littlelemon.payments.exceptions import PaymentNotNeeded

PAY_ERROR_KEY = "pay_error"  # Stripe's message for the card step after a refusal (session)


def _stripe_origin() -> str:
    parts = urlsplit(settings.STRIPE_JS_URL)
    return f"{parts.scheme}://{parts.netloc}"


def _with_stripe_csp(request: HttpRequest, render_page) -> HttpResponse:
    origin = _stripe_origin()
    update = {"script-src": [origin], "frame-src": [origin], "connect-src": [origin]}
    return csp_update(update)(render_page)(request)


def _order(request: HttpRequest, order_id: int):
    try:
        order = order_selectors.order_with_timeline_get(user=request.user, order_id=order_id, items=True)
    except OrderNotFound:
        raise Http404("No such order.") from None
    if order.customer_id != request.user.pk:
        raise Http404("No such order.")
    return order


def _page(request: HttpRequest, order, *, error: str = "", client_secret: str = ""):
    context = {
        "order": order,
        "error": error,
        "client_secret": client_secret,
        "stripe_js_url": settings.STRIPE_JS_URL,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
    }
    return _with_stripe_csp(request, lambda request: render(request, "web/order_pay.html", context))


def _after(request: HttpRequest, order, outcome: card.CardOutcome) -> HttpResponse:
    if outcome.status == "requires_action":
        return _page(request, order, client_secret=outcome.client_secret)
    if outcome.status == "succeeded":
        messages.success(request, f"Thank you! Your payment went through and order #{order.pk} is placed.")
    else:
        messages.info(request, "Your payment is being processed; this page shows when it is done.")
    return redirect("web:order", order.pk)


@login_required
@require_http_methods(["GET", "POST"])
def order_pay(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    if order.status != OrderStatus.PENDING_PAYMENT or not gateway.enabled():
        return redirect("web:order", order.pk)
    if request.method == "GET":
        return _page(request, order, error=request.session.pop(PAY_ERROR_KEY, ""))
    try:
        outcome = card.card_payment_start(order_id=order.pk, customer=request.user, token=request.POST.get("token", ""))
    except PaymentNotNeeded:
        return redirect("web:order", order.pk)
    except ApplicationError as error:
        return _refused(request, order, error)
    return _after(request, order, outcome)


def _refused(request: HttpRequest, order, error: ApplicationError) -> HttpResponse:
    """Back to the card step (a GET: reloading it never charges again) with Stripe's message
    next to the card field."""
    request.session[PAY_ERROR_KEY] = error.message
    return redirect("web:order_pay", order.pk)


@login_required
@require_GET
def order_pay_return(request: HttpRequest, order_id: int) -> HttpResponse:
    """Back from 3-D Secure: what Stripe says about the intent decides, never the browser."""
    order = _order(request, order_id)
    intent_id = request.GET.get("payment_intent", "")
    try:
        outcome = card.card_payment_return(order_id=order.pk, customer=request.user, intent_id=intent_id)
    except OrderNotFound:
        raise Http404("No such payment.") from None
    except ApplicationError as error:
        return _refused(request, order, error)
    return _after(request, order, outcome)
