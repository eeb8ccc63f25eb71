"""Money on the staff screens (littlelemon/payments), managers and admins only:

- a refund of part of an order (a line, or an amount, with a reason) from the board's order
  page: `payments.services.refund_request`, which never refunds more than what is left;
- the cash each driver must hand in, and "received" when they do (`cash_hand_in`).
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from littlelemon.accounts.models import User
from littlelemon.core.exceptions import ApplicationError
from littlelemon.pages.forms import add_application_error
from littlelemon.pages.http import run_and_say
from littlelemon.payments import selectors as payment_selectors
from littlelemon.payments import services as payment_services

from ..access import manager_required
from ..forms import RefundForm
from . import board


@manager_required
@require_POST
def order_refund(request: HttpRequest, order_id: int) -> HttpResponse:
    order = board._order_or_404(request, order_id)
    form = RefundForm(request.POST, order=order)
    if form.is_valid():
        data = form.cleaned_data
        try:
            refund = payment_services.refund_request(
                order=order.pk,
                actor=request.user,
                amount=None if data["order_item"] is not None else data["amount"],
                order_item_id=data["order_item"],
                reason=data["reason"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"Refunded {refund.amount} on order #{order.pk}.")
            return redirect("staff:order_detail", order.pk)
    return board.order_detail_page(request, order, refund_form=form, status=400)


@manager_required
@require_GET
def cash(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/orders/cash.html", {"hand_ins": payment_selectors.cash_to_hand_in()})


@manager_required
@require_POST
def cash_received(request: HttpRequest, driver_id: int) -> HttpResponse:
    driver = get_object_or_404(User, pk=driver_id)
    if not driver.is_delivery_crew:
        raise Http404("No such driver.")
    run_and_say(
        request,
        lambda: payment_services.cash_hand_in(actor=request.user, driver=driver),
        lambda count: f"Received the cash of {count} order{'s' if count != 1 else ''}.",
    )
    return redirect("staff:orders_cash")
