from decimal import Decimal

from rest_framework import serializers

from littlelemon.api.serializers import DecimalField

from .enums import Allergen, DietaryTag
from .models import MAX_PRICE, Category, MenuItem


class CategorySerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(max_length=80, required=False, help_text="Made from the title when left out.")
    item_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Category
        fields = ("id", "slug", "title", "position", "hidden", "item_count")
        read_only_fields = ("id", "item_count")

    def validate_slug(self, value: str) -> str:
        taken = Category.objects.filter(slug=value).exclude(pk=getattr(self.instance, "pk", None))
        if taken.exists():
            raise serializers.ValidationError(f"A category with slug '{value}' already exists.")
        return value


class MenuItemSerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(max_length=220, required=False, help_text="Made from the title when left out.")
    price = DecimalField(
        max_digits=None,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_PRICE,
        help_text="Greater than 0.",
        error_messages={
            "min_value": "Price must be greater than 0.",
            "max_value": f"Price must be at most {MAX_PRICE}.",
        },
    )
    category = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Category.objects.all(),
        error_messages={"does_not_exist": "No category with slug '{value}'."},
    )
    category_title = serializers.CharField(source="category.title", read_only=True)
    dietary = serializers.ListField(
        child=serializers.ChoiceField(choices=DietaryTag.choices), required=False, max_length=len(DietaryTag)
    )
    allergens = serializers.ListField(
        child=serializers.ChoiceField(choices=Allergen.choices), required=False, max_length=len(Allergen)
    )
    image = serializers.ImageField(required=False, allow_null=True)

    class Meta:
        model = MenuItem
        fields = (
            "id",
            "title",
            "slug",
            "description",
            "price",
            "category",
            "category_title",
            "featured",
            "available",
            "dietary",
            "allergens",
            "image",
            "position",
            "archived",
        )
        read_only_fields = ("id", "category_title")

    def validate_slug(self, value: str) -> str:
        if MenuItem.objects.filter(slug=value).exclude(pk=getattr(self.instance, "pk", None)).exists():
            raise serializers.ValidationError(f"A dish with slug '{value}' already exists.")
        return value

    def validate_dietary(self, value: list[str]) -> list[str]:
        return sorted(set(value))

    def validate_allergens(self, value: list[str]) -> list[str]:
        return sorted(set(value))

    def validate(self, attrs):
        if "image" in attrs and attrs["image"] is None:
            attrs["image"] = ""
        return attrs
