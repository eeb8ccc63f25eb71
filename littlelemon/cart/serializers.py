from rest_framework import serializers

from .enums import MAX_QUANTITY
from .models import CartLine
from .services import MAX_ID

MONEY = {"max_digits": None, "decimal_places": 2, "read_only": True}


class CartLineSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="menuitem.title", read_only=True)
    unit_price = serializers.DecimalField(help_text="The dish's current menu price.", **MONEY)
    price = serializers.DecimalField(help_text="unit_price × quantity.", **MONEY)
    available = serializers.BooleanField(
        source="menuitem.available", read_only=True, help_text="False when the dish sold out since it was added."
    )

    class Meta:
        model = CartLine
        fields = ("id", "menuitem", "title", "quantity", "unit_price", "price", "available")
        read_only_fields = fields


class CartSerializer(serializers.Serializer):
    items = CartLineSerializer(many=True, source="lines", read_only=True)
    total = serializers.DecimalField(help_text="Sum of the line prices, before fees, tax and tip.", **MONEY)


class CartItemAddSerializer(serializers.Serializer):
    menuitem = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The dish's id.")
    quantity = serializers.IntegerField(
        min_value=1, max_value=MAX_QUANTITY, default=1, help_text=f"1..{MAX_QUANTITY}; added to the line if present."
    )


class CartItemUpdateSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(
        min_value=1, max_value=MAX_QUANTITY, help_text=f"The new quantity, 1..{MAX_QUANTITY}."
    )
