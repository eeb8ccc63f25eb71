"""The delivery-crew app (`/staff/deliveries/`, delivery crew; phone first, installable).

- The page: the driver's deliveries (assigned to them, not finished), the ready orders nobody is
  bringing when drivers may take them (settings.DELIVERY_CREW_TAKES_READY_ORDERS), and what they
  delivered today. The list is a fragment (`delivery_list`) re-fetched live (`{% live_trigger
  "orders" %}`), with a weak ETag: a matching If-None-Match is a 304 that reads only the stamps.
- One delivery's page (`delivery`): everything on its card and the "Delivered" form (recipient's
  name, an optional photo from the camera). Kept off the live list, so a refresh never wipes
  what the driver is typing.
- Actions are plain POST forms (they work without JavaScript): "On my way"
  (`order_status_change`), "Delivered" (`order_deliver`), "Take it" (`order_take`): the same
  services as the API. A refusal re-renders the page with the service's message and status.
- Another driver's order is a 404 everywhere (it is not on this driver's screen), except that
  taking an order someone took a moment earlier says so (409).
- Installable: a web app manifest, a service worker (served here so that its scope is
  /staff/deliveries/) that keeps the shell and an offline page, and that offline page.
- The proof photo (`delivery_proof_photo`): only to managers and the driver who took it.
"""

import hashlib
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_POST

from littlelemon.core.conditional import etag_for, etag_version, not_modified, set_cache_headers
from littlelemon.core.exceptions import ApplicationError
from littlelemon.orders import delivery_selectors, transitions
from littlelemon.orders.delivery import delivery_proof_photo_get, order_deliver
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.exceptions import NotADelivery, OrderNotFound
from littlelemon.restaurant.selectors import restaurant_today

from ..access import delivery_crew_required
from ..forms import DeliveredForm

ICONS = (("staff/icon-192.png", "192x192"), ("staff/icon-512.png", "512x512"))
MASKABLE_ICON = ("staff/icon-maskable-512.png", "512x512")
THEME_COLOUR = "#33423d"  # the staff header's green (web/app.css --green-dark)
BACKGROUND_COLOUR = "#edefee"  # the staff pages' background (--mist)


def _list_context(request: HttpRequest) -> dict:
    deliveries = delivery_selectors.crew_deliveries(user=request.user)
    return {"deliveries": deliveries}


def _page(request: HttpRequest, *, error: ApplicationError | None = None) -> HttpResponse:
    context = {**_list_context(request), "error": error}
    return render(request, "staff/deliveries.html", context, status=error.http_status if error else 200)


@delivery_crew_required
@require_GET
def deliveries(request: HttpRequest) -> HttpResponse:
    return _page(request)


@delivery_crew_required
@require_GET
def delivery_list(request: HttpRequest) -> HttpResponse:
    """The live fragment; 304 while the If-None-Match it sends still holds."""
    etag = _list_etag(request)
    if etag is not None:
        response = not_modified(request, etag, public=False)
        if response is not None:
            return response
    response = render(request, "staff/partials/delivery_list.html", _list_context(request))
    return response if etag is None else set_cache_headers(response, etag, public=False)


def _list_etag(request: HttpRequest) -> str | None:
    """The list shows the driver's orders with their items and the names on them; while drivers
    may take orders, also orders of no one (any order's change, then); "today" is a date. The
    user and their roles are stamped by `etag_version`. None where nothing can be stamped."""
    may_take = transitions.may_take_orders(request.user)
    names = (f"orders:{request.user.pk}", "people", *(("orders",) if may_take else ()))
    version = etag_version(names, user_id=request.user.pk)
    if version is None:
        return None
    bucket = (restaurant_today().isoformat(), may_take)
    return etag_for(request, version, user_id=request.user.pk, bucket=bucket, weak=True)


def _delivery_or_404(request: HttpRequest, order_id: int):
    try:
        return delivery_selectors.crew_delivery_get(user=request.user, order_id=order_id)
    except OrderNotFound:
        raise Http404("No such delivery.") from None


def _delivery_page(request: HttpRequest, order, *, form: DeliveredForm | None = None, status: int = 200):
    items = delivery_selectors.order_item_rows(order_ids=[order.pk])
    context = {"order": order, "items": items[order.pk], "form": form or DeliveredForm(), "may_take": False}
    return render(request, "staff/delivery.html", context, status=status)


@delivery_crew_required
@require_GET
def delivery(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _delivery_or_404(request, order_id)
    if order.delivery_crew_id != request.user.pk:  # a takeable order: its card is on the list
        return redirect(f"{reverse('staff:deliveries')}#order-{order.pk}")
    return _delivery_page(request, order)


@delivery_crew_required
@require_POST
def delivery_on_my_way(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _delivery_or_404(request, order_id)
    try:
        transitions.order_status_change(order=order.pk, actor=request.user, status=OrderStatus.OUT_FOR_DELIVERY)
    except ApplicationError as error:
        return _page(request, error=error)
    messages.success(request, f"Order #{order.pk}: you are on your way.")
    return redirect("staff:deliveries")


@delivery_crew_required
@require_POST
def delivery_delivered(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _delivery_or_404(request, order_id)
    form = DeliveredForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            order_deliver(order=order.pk, actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_service_error(error)
            order = _delivery_or_404(request, order_id)
            return _delivery_page(request, order, form=form, status=error.http_status)
        messages.success(request, f"Order #{order.pk} is delivered. Thank you!")
        return redirect("staff:deliveries")
    return _delivery_page(request, order, form=form, status=400)


@delivery_crew_required
@require_POST
def delivery_take(request: HttpRequest, order_id: int) -> HttpResponse:
    """Take a ready order nobody has. Not looked up through the driver's screen first: of two
    drivers who saw it there, the second is told it was taken (409), not that it vanished."""
    try:
        transitions.order_take(order=order_id, actor=request.user)
    except (OrderNotFound, NotADelivery):
        raise Http404("No such delivery.") from None
    except ApplicationError as error:
        return _page(request, error=error)
    messages.success(request, f"Order #{order_id} is yours: collect it from the kitchen.")
    return redirect("staff:deliveries")


@login_required
@require_GET
def delivery_proof_photo(request: HttpRequest, order_id: int) -> HttpResponse:
    """The proof-of-delivery photo: to managers and the driver who took it (else 404). Never a
    public media URL: read from storage here, kept only in the asker's own browser."""
    try:
        proof = delivery_proof_photo_get(user=request.user, order_id=order_id)
    except OrderNotFound:
        raise Http404("No such photo.") from None
    try:
        photo = default_storage.open(proof.photo.name, "rb")
    except FileNotFoundError:
        raise Http404("The photo is missing from storage.") from None
    response = FileResponse(photo, content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="delivery-{order_id}.jpg"'
    patch_cache_control(response, private=True, max_age=3600)
    return response


# --- installing the app: manifest, service worker, offline page ----------------------------


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest (public: browsers fetch it without cookies)."""
    icons = [{"src": static(path), "sizes": sizes, "type": "image/png", "purpose": "any"} for path, sizes in ICONS]
    icons.append(
        {"src": static(MASKABLE_ICON[0]), "sizes": MASKABLE_ICON[1], "type": "image/png", "purpose": "maskable"}
    )
    body = {
        "name": "Little Lemon deliveries",
        "short_name": "Deliveries",
        "description": "Your deliveries for Little Lemon: addresses, calls, on my way, delivered.",
        "id": reverse("staff:deliveries"),
        "start_url": reverse("staff:deliveries"),
        "scope": reverse("staff:deliveries"),
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    response = JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"indent": 2})
    patch_cache_control(response, public=True, max_age=3600)
    return response


def _precache() -> list[str]:
    """What the service worker keeps for offline use: the offline page, the styles, the scripts and
    the icons (static URLs carry their content hash in production, so a new release is new URLs)."""
    return [
        reverse("staff:deliveries_offline"),
        static("web/app.css"),
        static("staff/staff.css"),
        static("web/app.js"),
        static("staff/deliveries.js"),
        static("web/logo.svg"),
        static("web/favicon.svg"),
        *(static(path) for path, _sizes in (*ICONS, MASKABLE_ICON)),
    ]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served under /staff/deliveries/ so that it may control that scope
    (a script's scope is at most its own folder). Never cached by the browser's HTTP cache: it
    checks for a new one on each visit."""
    precache = _precache()
    version = hashlib.blake2b(repr((settings.RELEASE, precache)).encode(), digest_size=8).hexdigest()
    config = {"cache": f"deliveries-{version}", "offline": reverse("staff:deliveries_offline"), "precache": precache}
    config_js = json.dumps(config).replace("<", "\\u003c")
    response = render(request, "staff/deliveries_sw.js", {"config_js": config_js}, content_type="text/javascript")
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows when a page cannot be reached: the same for everyone (it is
    kept in the phone's cache), no name, no order, no form."""
    response = render(request, "staff/deliveries_offline.html", {})
    patch_cache_control(response, public=True, max_age=3600)
    return response
