import uuid

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from littlelemon.api.serializers import ErrorSerializer
from littlelemon.core.exceptions import NotFound

from . import selectors, services
from .permissions import CanManageWebhooks
from .serializers import (
    DeliveryStatusQuerySerializer,
    WebhookDeliverySerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
    WebhookEndpointWithSecretSerializer,
)

REFUSED = OpenApiResponse(
    ErrorSerializer,
    description="`webhook_url_refused` (not https, credentials in the URL, or an address inside the network), "
    "`webhook_host_unresolved`, `unknown_event_type` or `invalid`.",
)
DISABLED = OpenApiResponse(
    ErrorSerializer,
    description="`webhook_endpoint_disabled` (activate it first) or `delivery_in_flight` (being sent now).",
)


@extend_schema_view(
    list=extend_schema(description="The restaurant's webhook endpoints, newest first. Secrets are never shown."),
    retrieve=extend_schema(description="One endpoint (without its secret)."),
)
class WebhookEndpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Outgoing webhooks (managers and admins): endpoints, their delivery log and redelivery."""

    permission_classes = [CanManageWebhooks]
    serializer_class = WebhookEndpointSerializer
    filterset_class = None
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.webhook_endpoint_list()

    @extend_schema(
        request=WebhookEndpointCreateSerializer,
        responses={201: WebhookEndpointWithSecretSerializer, 400: REFUSED},
        description="Register an endpoint. The answer holds its `secret`, which signs the deliveries: it is "
        "shown this once. The URL must be https and resolve to public addresses only.",
    )
    def create(self, request, *args, **kwargs):
        serializer = WebhookEndpointCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_create(actor=request.user, **serializer.validated_data)
        return Response(WebhookEndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=WebhookEndpointUpdateSerializer,
        responses={200: WebhookEndpointSerializer, 400: REFUSED},
        description="Change the URL, event types or description; `active: false` stops the deliveries, "
        "`active: true` starts them again (after a 410, say).",
    )
    def partial_update(self, request, *args, **kwargs):
        endpoint = self.get_object()
        serializer = WebhookEndpointUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_update(
            endpoint=endpoint, data=serializer.validated_data, actor=request.user
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        responses={204: None},
        description="Deactivate the endpoint: nothing more is sent to it. It stays, with its delivery log; "
        "PATCH `active: true` to start again.",
    )
    def destroy(self, request, *args, **kwargs):
        endpoint = self.get_object()
        services.webhook_endpoint_disable(
            endpoint=endpoint, reason=f"Deactivated by {request.user.username}.", actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={200: WebhookEndpointWithSecretSerializer},
        description="Replace the secret; the answer shows the new one, this once. Deliveries are signed with "
        "it from now on.",
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, *args, **kwargs):
        endpoint = services.webhook_endpoint_secret_rotate(endpoint=self.get_object(), actor=request.user)
        return Response(WebhookEndpointWithSecretSerializer(endpoint).data)

    @extend_schema(
        parameters=[DeliveryStatusQuerySerializer],
        responses={200: WebhookDeliverySerializer(many=True)},
        description="The delivery log, newest first: each delivery's status, attempts, last response code, "
        "duration and error, and every attempt. `status=dead` lists the dead letters.",
    )
    @action(detail=True, methods=["get"], serializer_class=WebhookDeliverySerializer)
    def deliveries(self, request, *args, **kwargs):
        endpoint = self.get_object()
        query = DeliveryStatusQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        deliveries = selectors.webhook_delivery_list(endpoint=endpoint, status=query.validated_data.get("status"))
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("delivery_id", str, OpenApiParameter.PATH, description="A delivery's id.")],
        responses={202: WebhookDeliverySerializer, 409: DISABLED},
        description="Send the delivery again, now, with the same delivery id (whatever its status). A worker "
        "sends it; its log shows the new attempts.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"deliveries/(?P<delivery_id>[0-9a-fA-F-]{32,36})/redeliver",
        serializer_class=WebhookDeliverySerializer,
    )
    def redeliver(self, request, *args, delivery_id: str, **kwargs):
        endpoint = self.get_object()
        services.webhook_redeliver(endpoint=endpoint, delivery_id=_uuid_or_404(delivery_id), actor=request.user)
        delivery = get_object_or_404(selectors.webhook_delivery_list(endpoint=endpoint), pk=delivery_id)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound("This endpoint has no such delivery.") from None
