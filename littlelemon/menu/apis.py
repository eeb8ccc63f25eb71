from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.response import Response

from littlelemon.accounts.permissions import IsManagerOrReadOnly
from littlelemon.api.response_cache import CachedReadMixin, ResponseCache
from littlelemon.api.serializers import ErrorSerializer

from . import selectors, services
from .filters import MenuItemFilter
from .serializers import CategorySerializer, MenuItemReadSerializer, MenuItemSerializer

# The menu is the same for everyone, signed in or not: its reads are served from memory while
# the menu's version stamp (changed by the database on every write) is unchanged.
menu_responses = ResponseCache("menu", version=selectors.menu_version)


@extend_schema_view(destroy=extend_schema(responses={204: None, 409: ErrorSerializer}))
class CategoryViewSet(CachedReadMixin, viewsets.ModelViewSet):
    """Menu categories. Anyone reads; managers and admins write. Addressed by slug.

    Deleting a category that still has dishes is a 409 (`category_not_empty`).
    """

    response_cache = menu_responses
    permission_classes = [IsManagerOrReadOnly]
    serializer_class = CategorySerializer
    lookup_field = "slug"
    filterset_fields = ()

    def get_queryset(self):
        return selectors.category_list()

    def perform_create(self, serializer):
        category = services.category_create(**serializer.validated_data, actor=self.request.user)
        serializer.instance = self.get_queryset().get(pk=category.pk)  # with its item_count

    def perform_update(self, serializer):
        category = services.category_update(
            category=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )
        serializer.instance = self.get_queryset().get(pk=category.pk)

    def perform_destroy(self, instance):
        services.category_delete(category=instance, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(responses=MenuItemSerializer), retrieve=extend_schema(responses=MenuItemSerializer)
)
class MenuItemViewSet(CachedReadMixin, viewsets.ModelViewSet):
    """Dishes. Anyone reads (sold-out dishes included, `available=false`); managers and admins write."""

    response_cache = menu_responses
    permission_classes = [IsManagerOrReadOnly]
    serializer_class = MenuItemSerializer
    filterset_class = MenuItemFilter

    def get_queryset(self):
        return selectors.menu_item_list()

    def get_serializer_class(self):
        if self.action in ("list", "retrieve") and self.request.method in permissions.SAFE_METHODS:
            return MenuItemReadSerializer  # the same output as MenuItemSerializer, built directly
        return MenuItemSerializer

    def filter_queryset(self, queryset):
        # The filter form is a good part of a list's time: build it only when the query asks for
        # a filter. The list's filters mean nothing for one dish: /menu-items/{id}/ is by id alone.
        if self.action == "list" and MenuItemFilter.base_filters.keys() & self.request.query_params.keys():
            return super().filter_queryset(queryset)
        return queryset

    def perform_create(self, serializer):
        serializer.instance = services.menu_item_create(**serializer.validated_data, actor=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.menu_item_update(
            item=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        services.menu_item_delete(item=instance, actor=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(self.get_serializer(serializer.instance).data, status=status.HTTP_201_CREATED)
