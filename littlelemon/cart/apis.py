"""The cart API: a signed-in user's cart, or a guest's, named by the `X-Cart-Token` header
(`POST /api/v1/cart/guest/` makes one). A signed-in caller always gets their own cart."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from littlelemon.api.conditional import ConditionalGetMixin
from littlelemon.core.ratelimit import GuestRateThrottle

from . import selectors, services
from .exceptions import GuestCartNotFound
from .models import CartOwner, GuestCart
from .permissions import CART_TOKEN_HEADER, HasCartOrToken
from .serializers import CartItemAddSerializer, CartItemUpdateSerializer, CartLineSerializer, CartSerializer

CART_TOKEN = OpenApiParameter(
    CART_TOKEN_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A guest's cart token (from `POST /api/v1/cart/guest/`), for callers who are not signed in. "
        "Ignored when signed in. A token that names no cart is a 404 `cart_not_found`."
    ),
)


def cart_owner_for(request) -> CartOwner:
    """The signed-in user, else the guest cart the request's `X-Cart-Token` names (GuestCartNotFound)."""
    if request.user.is_authenticated:
        return request.user
    guest_cart = selectors.guest_cart_by_token(token=request.headers.get(CART_TOKEN_HEADER, ""))
    if guest_cart is None:
        raise GuestCartNotFound()
    return guest_cart


@extend_schema(parameters=[CART_TOKEN])
class CartApi(ConditionalGetMixin, GenericAPIView):
    """The caller's cart, at current menu prices."""

    permission_classes = [HasCartOrToken]
    serializer_class = CartSerializer

    def get(self, request):
        owner = cart_owner_for(request)
        if isinstance(owner, GuestCart):  # no version stamp names a guest's cart: no ETag
            return Response(CartSerializer(selectors.cart_get(owner=owner)).data)
        return self.conditional_response(
            lambda: Response(CartSerializer(selectors.cart_get(owner=owner)).data),
            stamps=selectors.cart_stamps(owner),
        )

    @extend_schema(responses={204: None})
    def delete(self, request):
        """Empty the cart."""
        services.cart_clear(owner=cart_owner_for(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[CART_TOKEN])
class CartItemsApi(GenericAPIView):
    permission_classes = [HasCartOrToken]
    serializer_class = CartLineSerializer

    @extend_schema(
        request=CartItemAddSerializer,
        responses={201: CartLineSerializer, 200: CartLineSerializer},
        description=(
            "Put a dish, with its options (`choices`) or, for a combo, a dish for each slot (`slots`), in "
            "the cart: 201 with the new line, or 200 with the line of the same dish and options it was "
            "added to. An unknown dish (`unknown_menuitem`), a sold-out one (`item_unavailable`), a line "
            "that would pass 99 (`quantity_limit`) is a 400, and so are options against the dish's rules, "
            "the message naming the group or slot: `option_required` (a required group left empty), "
            "`option_count` (too many or too few), `option_not_offered` (a choice of another dish), "
            "`option_unavailable`, `combo_slot_invalid` (a slot left empty, or not the combo's), "
            "`combo_dish_not_offered` (a dish the slot does not offer), `invalid_options`."
        ),
    )
    def post(self, request):
        owner = cart_owner_for(request)
        serializer = CartItemAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line, created = services.cart_item_add(
            owner=owner,
            menuitem_id=serializer.validated_data["menuitem"],
            quantity=serializer.validated_data["quantity"],
            choices=serializer.validated_data["choices"],
            slots=[dict(slot) for slot in serializer.validated_data["slots"]],
        )
        return Response(
            CartLineSerializer(line).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


@extend_schema(parameters=[CART_TOKEN])
class CartItemApi(GenericAPIView):
    """One line of the caller's cart (another cart's line is a 404)."""

    permission_classes = [HasCartOrToken]
    serializer_class = CartLineSerializer

    @extend_schema(request=CartItemUpdateSerializer, responses={200: CartLineSerializer})
    def patch(self, request, pk: int):
        """Set the line's quantity."""
        owner = cart_owner_for(request)
        serializer = CartItemUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line = services.cart_item_update(owner=owner, line_id=pk, **serializer.validated_data)
        return Response(CartLineSerializer(line).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        """Remove the line."""
        services.cart_item_remove(owner=cart_owner_for(request), line_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GuestCartApi(APIView):
    """A cart for someone without an account."""

    permission_classes = [AllowAny]
    throttle_classes = [GuestRateThrottle]

    @extend_schema(
        request=None,
        responses={
            201: inline_serializer(
                "GuestCartToken",
                {"token": serializers.CharField(help_text=f"Send it as {CART_TOKEN_HEADER} on cart and order calls.")},
            )
        },
        description=(
            "Make an empty guest cart and return its token: keep it secret, it is the cart's only key. "
            "Limited per address like sign-up (THROTTLE_GUEST_RATE)."
        ),
    )
    def post(self, request):
        guest_cart = services.guest_cart_create()
        return Response({"token": guest_cart.token}, status=status.HTTP_201_CREATED)
