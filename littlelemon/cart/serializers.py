from decimal import Decimal

from rest_framework import serializers

from littlelemon.core.models import MAX_ID

from .enums import MAX_QUANTITY
from .models import CartLine

CENT = Decimal("0.01")
MONEY = {"max_digits": None, "decimal_places": 2, "read_only": True}


class CartLineSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="menuitem.title", read_only=True)
    unit_price = serializers.DecimalField(help_text="The dish's current menu price.", **MONEY)
    price = serializers.DecimalField(help_text="unit_price × quantity.", **MONEY)
    available = serializers.BooleanField(
        source="menuitem.orderable",
        read_only=True,
        help_text="False when the dish sold out (or its portions for today ran out) or left the menu (archived) "
        "since it was added.",
    )

    class Meta:
        model = CartLine
        fields = ("id", "menuitem", "title", "quantity", "unit_price", "price", "available")
        read_only_fields = fields


def _money(value: Decimal) -> str:
    """As DRF's DecimalField(decimal_places=2) renders it."""
    return f"{value.quantize(CENT):f}"


class CartSerializer(serializers.Serializer):
    """The fields are the contract (and the schema); `to_representation` builds the same dict
    directly, as the cart is read on every page of a visit and DRF's per-field work was most
    of its cost (bench/: cart). A test holds the two equal."""

    items = CartLineSerializer(many=True, source="lines", read_only=True)
    total = serializers.DecimalField(help_text="Sum of the line prices, before fees, tax and tip.", **MONEY)

    def to_representation(self, cart) -> dict:
        return {
            "items": [
                {
                    "id": line.pk,
                    "menuitem": line.menuitem_id,
                    "title": line.menuitem.title,
                    "quantity": line.quantity,
                    "unit_price": _money(line.unit_price),
                    "price": _money(line.price),
                    "available": line.menuitem.orderable,
                }
                for line in cart.lines
            ],
            "total": _money(cart.total),
        }


class CartItemAddSerializer(serializers.Serializer):
    menuitem = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The dish's id.")
    quantity = serializers.IntegerField(
        min_value=1, max_value=MAX_QUANTITY, default=1, help_text=f"1..{MAX_QUANTITY}; added to the line if present."
    )


class CartItemUpdateSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(
        min_value=1, max_value=MAX_QUANTITY, help_text=f"The new quantity, 1..{MAX_QUANTITY}."
    )


class ReorderLineSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="The dish as the order named it.")
    quantity = serializers.IntegerField(help_text="How many the order had.")
    added = serializers.IntegerField(help_text="How many went in the cart (0: none).")
    reason = serializers.CharField(
        help_text=(
            "Empty when all went in; else `gone` (no longer on the menu), `unavailable` (sold out), "
            "`sold_out_today` (no portion left today), `portions_short` (fewer left today), "
            "`not_served_now` (outside its time windows), `quantity_limit` (a line holds 99), `cart_full`."
        )
    )
    message = serializers.CharField(help_text="The reason in words, e.g. 'not served now (from 11:30)'.")


class ReorderSerializer(serializers.Serializer):
    """What `POST /orders/{id}/reorder/` did: each line of the order, and the cart now."""

    lines = ReorderLineSerializer(many=True)
    cart = CartSerializer()
