"""`/api/v1/recommendations/` and `/api/v1/menu-items/{id}/pairs-well-with/`.

Anonymous answers are public (the same for everyone: popular now, what goes with a dish), with
ETags from the menu's and the scores' stamps and the quarter hour (what is popular, and what can
be ordered, changes with the time of day). A signed-in customer's answer leaves out what is in
their cart and what their food preferences exclude, and `/recommendations/` gives their usuals:
private, with their cart's and orders' stamps in the ETag. A guest sending their cart's
`X-Cart-Token` (resolved as the cart API resolves it: a token naming no cart is its 404
`cart_not_found`) has their cart's dishes left out too: private, with those dishes in the ETag
(no stamp names a guest's cart). Every answer varies on `X-Cart-Token`. Integrations (API keys)
have no use for them and are refused.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from littlelemon.api.conditional import ConditionalGetMixin
from littlelemon.cart.apis import CART_TOKEN, cart_owner_for
from littlelemon.cart.permissions import CART_TOKEN_HEADER
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

    def _guest_cart(self) -> frozenset[int] | None:
        """The dishes in the guest cart the request's `X-Cart-Token` names (two queries), None
        when signed in or sending none. Raises GuestCartNotFound (404) for a token naming no cart."""
        if self.request.user.is_authenticated or not self.request.headers.get(CART_TOKEN_HEADER):
            return None
        return frozenset(cart_menuitem_ids(owner=cart_owner_for(self.request)))

    def _answer(self, recommend, *, stamps: tuple[str, ...], guest_cart: frozenset[int] | None):
        """`recommend()`'s answer, conditional: public for an anonymous caller without a cart,
        else private (a guest cart's dishes in the ETag, a signed-in customer's `stamps`)."""
        user = self.request.user
        public = not user.is_authenticated and guest_cart is None
        bucket = _bucket(user)
        if guest_cart is not None:
            bucket = (*bucket, "guest cart", tuple(sorted(guest_cart)))
        response = self.conditional_response(
            lambda: Response(RecommendationsSerializer(recommend()).data),
            stamps=(MENU, STAMP, *(stamps if user.is_authenticated else ())),
            public=public,
            bucket=bucket,
        )
        # A shared cache must not give a cart's answer to anyone else, nor the public one to a cart.
        patch_vary_headers(response, (CART_TOKEN_HEADER,))
        return response


@extend_schema(
    parameters=[RecommendationQuerySerializer, CART_TOKEN],
    responses=RecommendationsSerializer,
    description="A signed-in customer's usuals (their own dishes, by how often and how lately they "
    "had them; popular now until they have ordered), leaving out what is in their cart and what "
    "their food preferences exclude; for everyone else, what is popular at this time of day and week "
    "(leaving out what is in the guest cart `X-Cart-Token` names, when sent). "
    "Only dishes that can be ordered now.",
)
class VisitorRecommendationsApi(RecommendationsApi):
    def get(self, request):
        limit = self._limit()
        user = request.user
        guest_cart = self._guest_cart()

        def recommend():
            cart = cart_menuitem_ids(owner=user) if user.is_authenticated else guest_cart or ()
            return selectors.for_visitor(user, exclude=cart, limit=limit)

        return self._answer(recommend, stamps=(f"cart:{user.pk}", f"orders:{user.pk}"), guest_cart=guest_cart)


@extend_schema(
    parameters=[RecommendationQuerySerializer, OpenApiParameter("id", int, OpenApiParameter.PATH), CART_TOKEN],
    responses=RecommendationsSerializer,
    description="Dishes that go well with this one: ordered together more often than chance says, "
    "weighed with what is popular now. Never the dish itself, nor what is in the caller's cart (a "
    "signed-in customer's, or the guest cart `X-Cart-Token` names), nor what a signed-in customer's "
    "food preferences exclude. Only dishes that can be ordered now.",
)
class PairsWellWithApi(RecommendationsApi):
    def get(self, request, pk: int):
        limit = self._limit()
        user = request.user
        item = get_object_or_404(MenuItem.objects.filter(ON_MENU).only("pk"), pk=pk)
        guest_cart = self._guest_cart()

        def recommend():
            cart = cart_menuitem_ids(owner=user) if user.is_authenticated else guest_cart or ()
            return selectors.pairs_well_with(item.pk, user=user, cart=cart, limit=limit)

        return self._answer(recommend, stamps=(f"cart:{user.pk}",), guest_cart=guest_cart)
