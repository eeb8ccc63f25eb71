from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from . import selectors, services
from .permissions import CanManageApiKeys
from .serializers import ApiKeyCreateSerializer, ApiKeyIssuedSerializer, ApiKeySerializer


class ApiKeyListApi(generics.ListAPIView):
    """API keys for integrations, newest first: prefix, scopes, last use, expiry, revocation.
    Never a secret. Managers and admins."""

    permission_classes = [CanManageApiKeys]
    serializer_class = ApiKeySerializer
    filterset_class = None

    def get_queryset(self):
        return selectors.api_key_list()

    @extend_schema(
        request=ApiKeyCreateSerializer,
        responses={201: ApiKeyIssuedSerializer},
        description="Issue a key with scopes. The response's `key` is the only time the whole key is shown: "
        "it is stored hashed. An unknown scope, no scope or an expiry in the past is a 400.",
    )
    def post(self, request):
        serializer = ApiKeyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        api_key, key = services.api_key_issue(actor=request.user, **serializer.validated_data)
        api_key.key = key
        return Response(ApiKeyIssuedSerializer(api_key).data, status=status.HTTP_201_CREATED)


class ApiKeyDetailApi(generics.RetrieveDestroyAPIView):
    """One key by its prefix. DELETE revokes it (it stays listed, `revoked: true`); revoking a
    revoked key changes nothing."""

    permission_classes = [CanManageApiKeys]
    serializer_class = ApiKeySerializer
    lookup_field = "prefix"

    def get_object(self):
        return selectors.api_key_get(prefix=self.kwargs["prefix"])

    def perform_destroy(self, instance):
        services.api_key_revoke(actor=self.request.user, api_key=instance)


class ApiKeyRevokeApi(generics.GenericAPIView):
    permission_classes = [CanManageApiKeys]
    serializer_class = ApiKeySerializer

    @extend_schema(
        request=None,
        responses={200: ApiKeySerializer},
        description="Revoke the key for good: from now on a request with it is a 401. Idempotent.",
    )
    def post(self, request, prefix: str):
        api_key = services.api_key_revoke(actor=request.user, api_key=selectors.api_key_get(prefix=prefix))
        return Response(ApiKeySerializer(selectors.api_key_get(prefix=api_key.prefix)).data)
