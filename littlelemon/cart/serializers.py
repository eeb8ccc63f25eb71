from decimal import Decimal

from rest_framework import serializers

from littlelemon.core.models import MAX_ID
from littlelemon.menu.options import MAX_CHOICES

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
    selection = serializers.JSONField(
        read_only=True,
        help_text='What was chosen, normalised: {"choices": [ids]}, for a combo also '
        '{"slots": [{"slot", "dish", "choices"}]}; {} for none.',
    )
    options = serializers.ListField(
        child=serializers.DictField(),
        read_only=True,
        help_text='The options by name with their prices: [{"group", "choice", "price_delta"}], for a combo '
        'also [{"slot", "dish", "supplement", "options"}]. unit_price includes them.',
    )
    options_problem = serializers.CharField(
        read_only=True,
        default="",
        help_text="Why the line cannot be ordered as it is (a choice ran out or left the dish), else empty.",
    )

    class Meta:
        model = CartLine
        fields = (
            "id",
            "menuitem",
            "title",
            "quantity",
            "unit_price",
            "price",
            "available",
            "selection",
            "options",
            "options_problem",
        )
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
                    "selection": line.selection,
                    "options": line.options,
                    "options_problem": getattr(line, "options_problem", ""),
                }
                for line in cart.lines
            ],
            "total": _money(cart.total),
        }


class SlotChoiceSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The combo slot's id.")
    dish = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The dish chosen for it (one it offers).")
    choices = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=MAX_CHOICES,
        help_text="That dish's option choice ids.",
    )


class CartItemAddSerializer(serializers.Serializer):
    menuitem = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The dish's id.")
    quantity = serializers.IntegerField(
        min_value=1,
        max_value=MAX_QUANTITY,
        default=1,
        help_text=f"1..{MAX_QUANTITY}; added to the line with the same dish and options if present.",
    )
    choices = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=MAX_CHOICES,
        help_text="The chosen option choice ids (see the dish's `option_groups`).",
    )
    slots = SlotChoiceSerializer(
        many=True, required=False, default=list, help_text="For a combo: a dish (and its choices) for each slot."
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
