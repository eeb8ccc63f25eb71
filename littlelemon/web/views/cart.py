"""The cart: adding from the menu, changing quantities, removing, and the totals the order will
charge (`order_quote`, the computation `order_place` itself uses).

Without JavaScript every form posts and the page reloads (a redirect after each change). With
htmx, "Add to cart" answers a short confirmation and the header's cart link (swapped out of band),
and a quantity change or removal answers the cart's contents, swapped in place. A visitor's first
add makes their guest cart, within the address's guest limit (`guest_limit_wait`): past it, a 429
(the site's page, or for htmx a message swapped where the confirmation goes) and nothing added.
"""

from contextlib import suppress

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from littlelemon.accounts.ratelimit import too_many_response
from littlelemon.core.exceptions import ApplicationError
from littlelemon.menu.selectors import menu_items_timed, windows_load
from littlelemon.orders.enums import Fulfilment
from littlelemon.orders.pricing import order_quote
from littlelemon.pages.http import htmx_fragment, safe_next
from littlelemon.recommendations import selectors as recommendations

from ..cart import cart_for
from ..forms import CartAddForm, CartLineForm
from ..info import restaurant_info_for
from .guest import guest_limit_wait
from .pages import RECOMMENDED


def cart_context(request: HttpRequest, **extra) -> dict:
    """The cart's lines and the order's totals, for delivery and for pickup, as checkout charges them."""
    cart = cart_for(request)
    settings = restaurant_info_for(request).settings
    if cart.lines:  # each line says when its dish, or a dish in its deal, is not served now (one query: the windows)
        dishes = [dish for line in cart.lines for dish in (line.menuitem, *line.components)]
        menu_items_timed(dishes, windows=windows_load(), now=timezone.now())
        for line in cart.lines:
            line.component_not_served = next((dish for dish in line.components if not dish.orderable_now), None)
    return {
        "cart": cart,
        "quote": order_quote(lines=cart.lines, fulfilment=Fulfilment.DELIVERY, settings=settings),
        "pickup_quote": order_quote(lines=cart.lines, fulfilment=Fulfilment.PICKUP, settings=settings),
        "line_errors": {},
        **extra,
    }


@require_GET
def cart(request: HttpRequest) -> HttpResponse:
    context = cart_context(request)
    lines = context["cart"].lines
    if lines:
        context["meal"] = recommendations.complete_your_meal(
            {line.menuitem_id for line in lines}, user=request.user, limit=RECOMMENDED
        )
    return render(request, "web/cart.html", context)


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


def guest_cart_throttled(request: HttpRequest) -> HttpResponse | None:
    """Before an add: None when it may go on; a 429 when it would make a guest cart past the
    address's guest limit (the fragment for htmx, else the site's page)."""
    if not cart_for(request).makes_guest_cart:
        return None
    wait = guest_limit_wait(request)
    if wait is None:
        return None
    template = "web/partials/cart_add_throttled.html" if htmx_fragment(request) else "429.html"
    return too_many_response(request, wait, "new carts from your address", template=template)


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    form = CartAddForm(request.POST)
    added, problem = None, ""
    if form.is_valid():
        throttled = guest_cart_throttled(request)
        if throttled is not None:
            return throttled
        try:
            item, in_cart = cart_for(request).add(
                menuitem_id=form.cleaned_data["menuitem"], quantity=form.cleaned_data["quantity"]
            )
        except ApplicationError as error:
            problem = error.message
        else:
            added = f"{item.title} is in your cart ({in_cart})."
    else:
        problem = "There is no such dish." if "menuitem" in form.errors else _first_error(form)
    if htmx_fragment(request):
        return render(request, "web/partials/cart_added.html", {"added": added, "problem": problem})
    if added:
        messages.success(request, added)
    else:
        messages.error(request, problem)
    return redirect(safe_next(request) or "web:cart")


def _cart_changed(request: HttpRequest, *, line_id: int, problem: str = "", done: str = "", typed: str = ""):
    """After a change: the cart's contents (htmx) or, without JavaScript, back to the cart page
    (a refusal is shown on the page, next to its line, with what was typed)."""
    line_errors = {line_id: {"message": problem, "typed": typed}} if problem else {}
    if htmx_fragment(request):
        context = cart_context(request, line_errors=line_errors, announcement=done or problem, swapped=True)
        return render(request, "web/partials/cart_contents.html", context)
    if problem:
        return render(request, "web/cart.html", cart_context(request, line_errors=line_errors))
    messages.success(request, done)
    return redirect(safe_next(request) or "web:cart")


def _title(request: HttpRequest, line_id: int) -> str:
    line = next((line for line in cart_for(request).lines if line.pk == line_id), None)
    return line.menuitem.title if line else "That dish"


@require_POST
def cart_line_update(request: HttpRequest, line_id: int) -> HttpResponse:
    form = CartLineForm(request.POST)
    if not form.is_valid():
        return _cart_changed(
            request,
            line_id=line_id,
            problem="Enter a whole number from 1 to 99.",
            typed=request.POST.get("quantity", ""),
        )
    quantity = form.new_quantity()
    try:
        cart_for(request).update(line_id=line_id, quantity=quantity)
    except ApplicationError as error:
        return _cart_changed(request, line_id=line_id, problem=error.message, typed=str(quantity))
    return _cart_changed(request, line_id=line_id, done=f"{_title(request, line_id)}: {quantity} in your cart.")


@require_POST
def cart_line_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    title = _title(request, line_id)
    with suppress(ApplicationError):  # already gone (a second click, another tab): show the cart as it is
        cart_for(request).remove(line_id=line_id)
    return _cart_changed(request, line_id=line_id, done=f"{title} is out of your cart.")
