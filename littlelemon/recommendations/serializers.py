from rest_framework import serializers

from littlelemon.api.serializers import DecimalField
from littlelemon.menu.models import MenuItem

from .selectors import DEFAULT_LIMIT, MAX_LIMIT


class RecommendationQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(
        min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT, help_text="How many dishes, at most."
    )


class RecommendedDishSerializer(serializers.ModelSerializer):
    """A recommended dish: what a card shows, and the id to add it to the cart with."""

    price = DecimalField(max_digits=None, decimal_places=2, read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    dietary = serializers.ListField(child=serializers.CharField(), read_only=True)
    image = serializers.ImageField(read_only=True)

    class Meta:
        model = MenuItem
        fields = ("id", "title", "slug", "price", "category", "dietary", "allergens", "image")
        read_only_fields = fields


class RecommendationsSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=("pairs", "usuals", "popular"),
        help_text="`pairs`: goes with the dish (or the cart); `usuals`: the signed-in customer's own "
        "dishes; `popular`: popular at this time of day and week.",
    )
    results = RecommendedDishSerializer(many=True, source="items")
