from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets

from littlelemon.accounts.permissions import IsManagerOrReadOnly

from . import selectors, services
from .serializers import ClosureSerializer, OpeningHoursSerializer, RestaurantSettingsSerializer


class RestaurantSettingsApi(generics.RetrieveUpdateAPIView):
    """The restaurant's settings: anyone reads, managers change them (PATCH)."""

    permission_classes = [IsManagerOrReadOnly]
    serializer_class = RestaurantSettingsSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return selectors.restaurant_settings_get()

    def perform_update(self, serializer):
        serializer.instance = services.restaurant_settings_update(
            data=serializer.validated_data, actor=self.request.user
        )


@extend_schema(description="Opening ranges per weekday (0 = Monday), in the restaurant's time zone. Not paginated.")
class OpeningHoursViewSet(viewsets.ModelViewSet):
    permission_classes = [IsManagerOrReadOnly]
    serializer_class = OpeningHoursSerializer
    pagination_class = None  # a week's hours always come whole

    def get_queryset(self):
        return selectors.opening_hours_list()

    def perform_create(self, serializer):
        serializer.instance = services.opening_hours_create(**serializer.validated_data, actor=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.opening_hours_update(
            hours=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        services.opening_hours_delete(hours=instance, actor=self.request.user)


class ClosureViewSet(viewsets.ModelViewSet):
    """Dates the restaurant is closed all day."""

    permission_classes = [IsManagerOrReadOnly]
    serializer_class = ClosureSerializer

    def get_queryset(self):
        return selectors.closure_list()

    def perform_create(self, serializer):
        serializer.instance = services.closure_create(**serializer.validated_data, actor=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.closure_update(
            closure=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        services.closure_delete(closure=instance, actor=self.request.user)
