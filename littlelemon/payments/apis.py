from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from littlelemon.api.serializers import ErrorSerializer
from littlelemon.apikeys.scopes import write_only
from littlelemon.orders import selectors as order_selectors

from . import services
from .serializers import RefundCreateSerializer, RefundSerializer


class OrderRefundApi(generics.GenericAPIView):
    """Managers: refund part of an order (`payments.services.refund_request`)."""

    serializer_class = RefundSerializer
    api_key_scopes = write_only("orders")

    @extend_schema(
        request=RefundCreateSerializer,
        responses={201: RefundSerializer, 409: ErrorSerializer},
        description=(
            "Managers: refund a line (`order_item`) or an `amount` of an order's payment, with a `reason`; "
            "never more than what is left (400 `refund_too_large`); 409 `nothing_to_refund` while the order "
            "has no payment taken. A card paid online is refunded through Stripe (`status` pending until "
            "Stripe confirms), money paid in person at once."
        ),
    )
    def post(self, request, pk: int):
        order_selectors.order_ensure_visible(user=request.user, order_id=pk)
        serializer = RefundCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        refund = services.refund_request(
            order=pk,
            actor=request.user,
            amount=data.get("amount") if "order_item" not in data else None,
            order_item_id=data.get("order_item"),
            reason=data["reason"],
        )
        return Response(RefundSerializer(refund).data, status=status.HTTP_201_CREATED)
