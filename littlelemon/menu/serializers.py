from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
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
    has_options = serializers.BooleanField(
        read_only=True,
        default=False,
        help_text="Whether the dish asks for choices (option groups, or a combo's slots).",
    )
    daily_portions = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=100000,
        help_text="Portions sold a day (null: no limit); the count starts again each morning (local date).",
    )
    portions_left = serializers.SerializerMethodField(help_text="Portions left today; null when there is no limit.")
    orderable_now = serializers.SerializerMethodField(
        help_text="Whether the dish is served now by its time windows (its own, else its category's); "
        "`available` says whether it is sold out."
    )
    orderable_from = serializers.SerializerMethodField(
        help_text="When the dish is next served, when not now (the restaurant's time zone); null otherwise."
    )

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
            "is_combo",
            "has_options",
            "daily_portions",
            "portions_left",
            "orderable_now",
            "orderable_from",
        )
        read_only_fields = ("id", "category_title", "is_combo", "has_options")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["has_options"] = bool(getattr(instance, "has_options", False) or instance.is_combo)
        # Written, `available` is the kitchen's switch; read, it also says "sold out" once the
        # day's portions are gone, with nobody touching the dish.
        data["available"] = not instance.sold_out
        return data

    def _next_served(self, item: MenuItem) -> datetime | None:
        windows = self.context.get("windows")
        if windows is None:
            return None
        now = self.context.setdefault("now", timezone.now())
        start = windows.next_orderable(item, now)
        return None if start == now else start

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_portions_left(self, item: MenuItem) -> int | None:
        return item.portions_left_today

    @extend_schema_field(serializers.BooleanField())
    def get_orderable_now(self, item: MenuItem) -> bool:
        windows = self.context.get("windows")
        now = self.context.setdefault("now", timezone.now())
        return True if windows is None else windows.orderable_at(item, now)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_orderable_from(self, item: MenuItem) -> str | None:
        start = self._next_served(item)
        return (
            None
            if start is None
            else serializers.DateTimeField().to_representation(start.astimezone(self.context["windows"].tz))
        )

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


class OptionChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    price_delta = serializers.DecimalField(
        max_digits=None, decimal_places=2, help_text="Added to the unit price (may be negative)."
    )
    available = serializers.BooleanField()


class OptionGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    min_choices = serializers.IntegerField(help_text="0: optional.")
    max_choices = serializers.IntegerField(help_text="1: pick one.")
    choices = OptionChoiceSerializer(many=True, source="choice_list")


class ComboSlotDishSerializer(serializers.Serializer):
    menuitem = serializers.IntegerField(source="menuitem_id", help_text="The dish's id (its own options: its detail).")
    title = serializers.CharField(source="menuitem.title")
    available = serializers.BooleanField(source="menuitem.available")
    supplement = serializers.DecimalField(max_digits=None, decimal_places=2, help_text="Added to the combo's price.")
    option_groups = serializers.SerializerMethodField()

    @extend_schema_field(OptionGroupSerializer(many=True))
    def get_option_groups(self, offer) -> list[dict]:
        return OptionGroupSerializer(self.context["catalog"].groups_of(offer.menuitem), many=True).data


class ComboSlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    dishes = ComboSlotDishSerializer(many=True, source="offers")


class MenuItemDetailSerializer(MenuItemSerializer):
    """One dish with what the customer chooses: its option groups with their choices, and for a
    combo its slots with the dishes each offers (and their own groups). Read it with the
    `catalog` of `menu.options.catalog_load` in the context."""

    option_groups = serializers.SerializerMethodField()
    combo_slots = serializers.SerializerMethodField()

    class Meta(MenuItemSerializer.Meta):
        fields = (*MenuItemSerializer.Meta.fields, "option_groups", "combo_slots")
        read_only_fields = (*MenuItemSerializer.Meta.read_only_fields, "option_groups", "combo_slots")

    @extend_schema_field(OptionGroupSerializer(many=True))
    def get_option_groups(self, item) -> list[dict]:
        return OptionGroupSerializer(self.context["catalog"].groups_of(item), many=True).data

    @extend_schema_field(ComboSlotSerializer(many=True))
    def get_combo_slots(self, item) -> list[dict]:
        return ComboSlotSerializer(self.context["catalog"].slots_of(item), many=True, context=self.context).data
