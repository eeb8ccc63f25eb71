from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from littlelemon.api.conditional import ConditionalGetMixin
from littlelemon.api.serializers import ErrorSerializer
from littlelemon.apikeys.scopes import read_write
from littlelemon.core.stamps import MENU as MENU_STAMP

from . import selectors, services
from .filters import MenuItemFilter
from .options import OptionCatalog, catalog_load
from .permissions import MenuPermission
from .serializers import CategorySerializer, MenuItemDetailSerializer, MenuItemSerializer


class MenuReadMixin(ConditionalGetMixin):
    """The menu is the same for everyone, signed in or not: public answers whose ETag is the
    `menu` stamp's (changed by the database on every write to categories and dishes).
    An API key reads it with `menu:read` and writes it with `menu:write`."""

    api_key_scopes = read_write("menu")

    def list(self, request, *args, **kwargs):
        return self.conditional_response(
            lambda: super(MenuReadMixin, self).list(request, *args, **kwargs), **MENU, bucket=self.clock_bucket()
        )

    def retrieve(self, request, *args, **kwargs):
        return self.conditional_response(
            lambda: super(MenuReadMixin, self).retrieve(request, *args, **kwargs), **MENU, bucket=self.clock_bucket()
        )

    def clock_bucket(self):
        """What of the clock an answer depends on (part of its ETag): nothing for categories."""
        return None


MENU = {"stamps": (MENU_STAMP,), "public": True}


@extend_schema_view(destroy=extend_schema(responses={204: None, 409: ErrorSerializer}))
class CategoryViewSet(MenuReadMixin, viewsets.ModelViewSet):
    """Menu categories. Anyone reads; managers and admins write. Addressed by slug.

    Deleting a category that still has dishes is a 409 (`category_not_empty`).
    """

    permission_classes = [MenuPermission]
    serializer_class = CategorySerializer
    lookup_field = "slug"
    filterset_fields = ()

    def get_queryset(self):
        # Reads are public (one cached answer for everyone): hidden categories are left out.
        # Writes reach every category, hidden ones too.
        if self.request is not None and self.request.method in SAFE_METHODS:
            return selectors.category_list()
        return selectors.category_list_all()

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
    list=extend_schema(responses=MenuItemSerializer), retrieve=extend_schema(responses=MenuItemDetailSerializer)
)
class MenuItemViewSet(MenuReadMixin, viewsets.ModelViewSet):
    """Dishes. Anyone reads (sold-out dishes included, `available=false`; archived dishes and
    those of hidden categories are not listed); managers and admins write.

    Deleting a dish that was ever ordered archives it (`archived=true`: past orders keep their
    lines); a dish never ordered is deleted. Either way it leaves the lists.

    One dish's detail shows its option groups with their choices and, for a combo, its slots
    with the dishes each offers (options and combos are edited in the admin)."""

    permission_classes = [MenuPermission]
    serializer_class = MenuItemSerializer
    filterset_class = MenuItemFilter

    def get_queryset(self):
        if self.request is not None and self.request.method in SAFE_METHODS:
            return selectors.menu_item_list()
        return selectors.menu_item_list_all()

    def get_serializer_class(self):
        return MenuItemDetailSerializer if self.action == "retrieve" else MenuItemSerializer

    def get_serializer(self, *args, **kwargs):
        if self.action == "retrieve" and args:
            item = args[0]
            wants = getattr(item, "has_options", False) or item.is_combo
            # Its groups, choices and slots: a fixed number of queries whatever their number.
            kwargs.setdefault("context", self.get_serializer_context())["catalog"] = (
                catalog_load([item]) if wants else OptionCatalog()
            )
        return super().get_serializer(*args, **kwargs)

    def get_serializer_context(self):
        # The time windows, read once for the whole page (one query), and one `now` for all dishes;
        # once a request too (DRF's get_serializer and ours both ask for the context).
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema: no database
            return super().get_serializer_context()
        return {**super().get_serializer_context(), **self._timed()}

    def _timed(self) -> dict:
        if not hasattr(self, "_timed_context"):
            self._timed_context = {"windows": selectors.windows_load(), "now": timezone.now()}
        return self._timed_context

    def clock_bucket(self):
        """Dishes depend on the clock (time windows, the day's portions): the day and the last
        window edge passed are part of their ETag (menu.windows.Windows.clock_bucket), so a
        revalidation never answers an earlier hour's or yesterday's menu, and between two edges
        repeats are 304s. It costs the windows' query before the 304, which the answer reuses."""
        timed = self._timed()
        return timed["windows"].clock_bucket(timed["now"])

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
        services.menu_item_remove(item=instance, actor=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(self.get_serializer(serializer.instance).data, status=status.HTTP_201_CREATED)
