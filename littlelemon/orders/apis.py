from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from littlelemon.api.conditional import ConditionalGetMixin
from littlelemon.api.throttling import ScopedRateThrottle
from littlelemon.apikeys.scopes import read_only, write_only
from littlelemon.cart import selectors as cart_selectors
from littlelemon.cart.apis import CART_TOKEN, cart_owner_for
from littlelemon.cart.serializers import ReorderSerializer
from littlelemon.cart.services import cart_reorder
from littlelemon.core.exceptions import InvalidInput
from littlelemon.core.ratelimit import GuestRateThrottle
from littlelemon.observability.metrics import order_placement_timer

from . import placement, selectors, transitions
from .exceptions import NotADelivery, OrderNotFound
from .filters import OrderFilter
from .guests import guest_details_checked, order_tracking_token
from .models import OrderEvent
from .permissions import CanPlaceOrders, CanPlaceOrdersOrGuest
from .serializers import (
    IdempotencyErrorSerializer,
    OrderAssignSerializer,
    OrderDetailSerializer,
    OrderEventSerializer,
    OrderPlacementErrorSerializer,
    OrderPlaceSerializer,
    OrderSerializer,
    OrderStateErrorSerializer,
    OrderStatusChangeSerializer,
)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string of up to 255 printable ASCII characters (a UUID, say). Retrying with the same "
        "key and body returns the order the first request made (200) instead of placing another; the "
        "same key with a different body is a 409 `idempotency_key_reused`."
    ),
)


def _idempotency_key(request) -> str:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return ""
    key = key.strip()
    if not key or len(key) > placement.MAX_IDEMPOTENCY_KEY_LENGTH or not all(" " <= c <= "~" for c in key):
        raise InvalidInput(
            f"An Idempotency-Key is 1 to {placement.MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters.",
            field="Idempotency-Key",
        )
    return key


class OrderListApi(ConditionalGetMixin, generics.ListAPIView):
    """Orders you may see, newest first: your own; as delivery crew, those assigned to you; as
    kitchen, open ones and those finished in the last 12 hours; as a manager, all."""

    permission_classes = [CanPlaceOrdersOrGuest]
    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    throttle_scope = "order"
    api_key_scopes = read_only("orders")  # an integration never places orders: that is a customer's

    def get_queryset(self):
        # A page's items are read after the page, as rows (`_render_list`), not prefetched.
        return selectors.order_list_visible_to(user=self.request.user, items=False)

    def list(self, request, *args, **kwargs):
        return self.conditional_response(self._render_list, stamps=selectors.order_list_stamps(request.user))

    def _render_list(self) -> Response:
        """ListAPIView.list, with the page's items read in one query as rows: a page of orders
        shows its items and needs no model instance of them."""
        orders = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(orders)
        shown = list(orders) if page is None else page
        context = self.get_serializer_context() | {
            "item_rows": selectors.order_item_rows(order_ids=[order.pk for order in shown])
        }
        data = self.get_serializer(shown, many=True, context=context).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.request.method == "POST":  # placing orders has its own, stricter rate
            throttles.append(ScopedRateThrottle())
            if not self.request.user.is_authenticated:  # and a guest's counts like sign-up, as on the web
                throttles.append(GuestRateThrottle())
        return throttles

    @extend_schema(
        request=OrderPlaceSerializer,
        parameters=[IDEMPOTENCY_KEY, CART_TOKEN],
        responses={
            201: OrderDetailSerializer,
            200: OpenApiResponse(OrderDetailSerializer, description="A retry: the order this Idempotency-Key placed."),
            400: OrderPlacementErrorSerializer,
            409: OpenApiResponse(IdempotencyErrorSerializer, description="`idempotency_key_reused`."),
        },
        description=(
            "Place an order from your cart, at current menu prices. Totals are computed here: the delivery "
            "fee for deliveries, tax on subtotal + delivery fee, the tip untaxed. The cart is emptied.\n\n"
            "A guest (not signed in) sends their cart's `X-Cart-Token` and `guest_name`, `guest_email` and "
            "`guest_phone` (each missing or malformed one a 400 naming it); the Idempotency-Key is then unique "
            "per guest cart. The answer's `Order-Tracking-URL` header is the order's public tracking page "
            "(also e-mailed to the guest): keep it, it is the guest's only way back to the order. A guest's "
            "placements also count against the per-address guest limit (THROTTLE_GUEST_RATE), with the guest "
            "carts and claim links the address asks for, on the API and the web pages alike."
        ),
    )
    def post(self, request):
        key = _idempotency_key(request)
        owner = cart_owner_for(request)
        serializer = OrderPlaceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        choices = dict(serializer.validated_data)
        guest_fields = {field: choices.pop(f"guest_{field}") for field in ("name", "email", "phone")}
        placed_by = (
            {"customer": owner}
            if owner == request.user
            else {"guest_cart": owner, "guest": guest_details_checked(**guest_fields)}
        )
        with order_placement_timer(channel="api"):
            order, created = placement.order_place(**placed_by, idempotency_key=key, **choices)
        token = None if "customer" in placed_by else order_tracking_token(order)
        if not created:  # a replay: the order as it is now
            order = (
                selectors.order_get_visible(user=request.user, order_id=order.pk)
                if token is None
                else selectors.order_tracked_get(token=token)
            )
        response = Response(
            OrderDetailSerializer(order, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
        if key:
            response["Idempotent-Replayed"] = "false" if created else "true"
        if token is not None:
            response["Order-Tracking-URL"] = request.build_absolute_uri(reverse("web:order_tracked", args=[token]))
        return response


class OrderDetailApi(ConditionalGetMixin, generics.RetrieveAPIView):
    """One order (404 if it is not one you may see); managers also see its proof of delivery."""

    serializer_class = OrderDetailSerializer
    api_key_scopes = read_only("orders")

    def retrieve(self, request, *args, **kwargs):
        return self.conditional_response(
            lambda: super(OrderDetailApi, self).retrieve(request, *args, **kwargs),
            stamps=selectors.order_list_stamps(request.user),
        )

    def get_object(self):
        return selectors.order_get_visible(user=self.request.user, order_id=self.kwargs["pk"])


class OrderStatusApi(generics.GenericAPIView):
    serializer_class = OrderDetailSerializer
    api_key_scopes = write_only("orders")

    @extend_schema(
        request=OrderStatusChangeSerializer,
        responses={
            200: OrderDetailSerializer,
            409: OpenApiResponse(
                OrderStateErrorSerializer,
                description=(
                    "`invalid_transition` (not allowed from the current status), `recall_window_closed` (a "
                    "recall after its window) or `delivery_crew_required`."
                ),
            ),
        },
        description=(
            "Move the order along its lifecycle. 403: the step exists but is not yours to take; 409: the "
            "step does not exist from the current status (the body names it and the allowed next ones). "
            "The kitchen and managers may also **recall** an order, undoing the last bump (preparing → "
            "accepted, ready → preparing), within KITCHEN_RECALL_MINUTES (a few minutes) of that status "
            "change; `allowed_transitions` lists only the forward steps, which do not depend on the clock."
        ),
    )
    def post(self, request, pk: int):
        selectors.order_ensure_visible(user=request.user, order_id=pk)
        serializer = OrderStatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        transitions.order_status_change(order=pk, actor=request.user, **serializer.validated_data)
        order = selectors.order_get_visible(user=request.user, order_id=pk)
        return Response(OrderDetailSerializer(order, context=self.get_serializer_context()).data)


class OrderAssignApi(generics.GenericAPIView):
    serializer_class = OrderDetailSerializer
    api_key_scopes = write_only("orders")

    @extend_schema(
        request=OrderAssignSerializer,
        responses={
            200: OrderDetailSerializer,
            409: OpenApiResponse(OrderStateErrorSerializer, description="`assignment_closed`: it has left."),
        },
        description=(
            "Managers: give a delivery order to a member of the delivery crew, or hand it to another one, "
            "until it is out for delivery."
        ),
    )
    def post(self, request, pk: int):
        selectors.order_ensure_visible(user=request.user, order_id=pk)
        serializer = OrderAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        transitions.order_assign(order=pk, actor=request.user, **serializer.validated_data)
        order = selectors.order_get_visible(user=request.user, order_id=pk)
        return Response(OrderDetailSerializer(order, context=self.get_serializer_context()).data)


class OrderTakeApi(generics.GenericAPIView):
    """A driver takes a ready delivery order nobody was assigned (`transitions.order_take`).
    Delivery crew only, while the restaurant lets drivers take orders; not for API keys."""

    serializer_class = OrderDetailSerializer

    @extend_schema(
        request=None,
        responses={
            200: OrderDetailSerializer,
            409: OpenApiResponse(
                OrderStateErrorSerializer,
                description="`already_taken` (another driver has it) or `not_takeable` (not ready, or gone).",
            ),
        },
        description=(
            "Delivery crew: take a ready delivery order that has no driver; it becomes yours as if a manager "
            "had assigned it. 403 `taking_disabled` when the restaurant does not let drivers take orders "
            "(DELIVERY_CREW_TAKES_READY_ORDERS); 409 when someone was quicker."
        ),
    )
    def post(self, request, pk: int):
        try:
            transitions.order_take(order=pk, actor=request.user)
        except NotADelivery:  # a pickup order is none of a driver's business: as if it did not exist
            raise OrderNotFound() from None
        order = selectors.order_get_visible(user=request.user, order_id=pk)
        return Response(OrderDetailSerializer(order, context=self.get_serializer_context()).data)


class OrderReorderApi(generics.GenericAPIView):
    """Order again: the order's lines go in your cart at today's prices (`cart.services.cart_reorder`)."""

    serializer_class = ReorderSerializer
    permission_classes = [CanPlaceOrders]

    @extend_schema(
        request=None,
        responses={200: ReorderSerializer},
        description=(
            "Put the lines of one of your orders in your cart again, at today's prices: quantities add to "
            "the lines already there. Each line says how many went in and, when not all, why (`reason`, "
            "`message`): no longer on the menu, sold out (or out of today's portions), not served now, the "
            "99 cap, a full cart. 404 for an order you may not see; 403 for one you may see but did not place."
        ),
    )
    def post(self, request, pk: int):
        order = selectors.order_get_visible(user=request.user, order_id=pk)
        result = cart_reorder(user=request.user, order=order)
        cart = cart_selectors.cart_get(owner=request.user)
        return Response(ReorderSerializer({"lines": result.lines, "cart": cart}).data)


class OrderEventListApi(generics.ListAPIView):
    """The order's timeline, oldest first: its placement, each status change and assignment."""

    serializer_class = OrderEventSerializer
    api_key_scopes = read_only("orders")
    pagination_class = None  # a handful of events: always whole
    filterset_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OrderEvent.objects.none()
        return selectors.order_event_list(user=self.request.user, order_id=self.kwargs["pk"])
