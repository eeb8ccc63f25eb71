from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from littlelemon.api.conditional import ConditionalGetMixin

from . import selectors, services
from .permissions import HasCart
from .serializers import CartItemAddSerializer, CartItemUpdateSerializer, CartLineSerializer, CartSerializer


class CartApi(ConditionalGetMixin, GenericAPIView):
    """The signed-in user's cart, at current menu prices."""

    permission_classes = [HasCart]
    serializer_class = CartSerializer

    def get(self, request):
        return self.conditional_response(
            lambda: Response(CartSerializer(selectors.cart_get(user=request.user)).data),
            stamps=selectors.cart_stamps(request.user),
        )

    @extend_schema(responses={204: None})
    def delete(self, request):
        """Empty the cart."""
        services.cart_clear(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartItemsApi(GenericAPIView):
    permission_classes = [HasCart]
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
        serializer = CartItemAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line, created = services.cart_item_add(
            user=request.user,
            menuitem_id=serializer.validated_data["menuitem"],
            quantity=serializer.validated_data["quantity"],
            choices=serializer.validated_data["choices"],
            slots=[dict(slot) for slot in serializer.validated_data["slots"]],
        )
        return Response(
            CartLineSerializer(line).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class CartItemApi(GenericAPIView):
    """One line of the signed-in user's cart (another user's line is a 404)."""

    permission_classes = [HasCart]
    serializer_class = CartLineSerializer

    @extend_schema(request=CartItemUpdateSerializer, responses={200: CartLineSerializer})
    def patch(self, request, pk: int):
        """Set the line's quantity."""
        serializer = CartItemUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line = services.cart_item_update(user=request.user, line_id=pk, **serializer.validated_data)
        return Response(CartLineSerializer(line).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        """Remove the line."""
        services.cart_item_remove(user=request.user, line_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
