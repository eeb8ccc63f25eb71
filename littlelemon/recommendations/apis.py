"""`/api/v1/recommendations/` and `/api/v1/menu-items/{id}/pairs-well-with/`.

Anonymous answers are public (the same for everyone: popular now, what goes with a dish), with
ETags from the menu's and the scores' stamps and the quarter hour (what is popular, and what can
be ordered, changes with the time of day). A signed-in customer's answer leaves out what is in
their cart and what their food preferences exclude, and `/recommendations/` gives their usuals:
private, with their cart's and orders' stamps in the ETag. Integrations (API keys) have no use
for them and are refused.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from littlelemon.api.conditional import ConditionalGetMixin
from littlelemon.cart.selectors import cart_menuitem_ids
from littlelemon.core.stamps import MENU
from littlelemon.menu.models import MenuItem
from littlelemon.menu.selectors import ON_MENU

from . import selectors
from .serializers import RecommendationQuerySerializer, RecommendationsSerializer

STAMP = "recommendations"
BUCKET_MINUTES = 15


def _bucket(user) -> tuple:
    """What else an answer depends on: the quarter hour, and a signed-in customer's preferences."""
    now = timezone.now()
    quarter = now.replace(minute=now.minute - now.minute % BUCKET_MINUTES, second=0, microsecond=0)
    return (quarter.isoformat(), *(map(sorted, user.food_preferences) if user.is_authenticated else ()))


class RecommendationsApi(ConditionalGetMixin, APIView):
    permission_classes = [AllowAny]

    def _limit(self) -> int:
        query = RecommendationQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data["limit"]

    def _answer(self, recommend, *, stamps: tuple[str, ...]):
        user = self.request.user
        public = not user.is_authenticated
        stamps = (MENU, STAMP, *(() if public else stamps))
        return self.conditional_response(
            lambda: Response(RecommendationsSerializer(recommend()).data),
            stamps=stamps,
            public=public,
            bucket=_bucket(user),
        )


@extend_schema(
    parameters=[RecommendationQuerySerializer],
    responses=RecommendationsSerializer,
    description="A signed-in customer's usuals (their own dishes, by how often and how lately they "
    "had them; popular now until they have ordered), leaving out what is in their cart and what "
    "their food preferences exclude; for everyone else, what is popular at this time of day and week. "
    "Only dishes that can be ordered now.",
)
class VisitorRecommendationsApi(RecommendationsApi):
    def get(self, request):
        limit = self._limit()
        user = request.user

        def recommend():
            cart = cart_menuitem_ids(owner=user) if user.is_authenticated else ()
            return selectors.for_visitor(user, exclude=cart, limit=limit)

        return self._answer(recommend, stamps=(f"cart:{user.pk}", f"orders:{user.pk}"))


@extend_schema(
    parameters=[RecommendationQuerySerializer, OpenApiParameter("id", int, OpenApiParameter.PATH)],
    responses=RecommendationsSerializer,
    description="Dishes that go well with this one: ordered together more often than chance says, "
    "weighed with what is popular now. Never the dish itself, nor (signed in) what is in the cart "
    "or what the customer's food preferences exclude. Only dishes that can be ordered now.",
)
class PairsWellWithApi(RecommendationsApi):
    def get(self, request, pk: int):
        limit = self._limit()
        user = request.user
        item = get_object_or_404(MenuItem.objects.filter(ON_MENU).only("pk"), pk=pk)

        def recommend():
            cart = cart_menuitem_ids(owner=user) if user.is_authenticated else ()
            return selectors.pairs_well_with(item.pk, user=user, cart=cart, limit=limit)

        return self._answer(recommend, stamps=(f"cart:{user.pk}",))
