from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from littlelemon.core.models import TimeStampedModel

from .enums import DietaryTag

MAX_PRICE = Decimal("99999.99")


class Category(TimeStampedModel):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0, help_text="Lower comes first on the menu.")
    hidden = models.BooleanField(
        default=False, help_text="Hidden categories and their dishes leave the customer menu and the API's lists."
    )

    class Meta:
        ordering = ["position", "title", "id"]
        verbose_name_plural = "categories"
        indexes = [models.Index(fields=["position", "title"], name="menu_category_order_idx")]

    def __str__(self) -> str:
        return self.title


class MenuItem(TimeStampedModel):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True, max_length=2000)
    price = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_PRICE)],
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="items")
    featured = models.BooleanField(default=False)
    available = models.BooleanField(
        default=True, help_text="Untick when the kitchen runs out: it stays on the menu, sold out."
    )
    vegetarian = models.BooleanField(default=False)
    vegan = models.BooleanField(default=False)
    gluten_free = models.BooleanField(default=False)
    dairy_free = models.BooleanField(default=False)
    nut_free = models.BooleanField(default=False)
    allergens = models.JSONField(default=list, blank=True, help_text='Allergen codes, e.g. ["milk", "gluten"].')
    image = models.ImageField(upload_to="menu/", blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Lower comes first within its category.")
    archived = models.BooleanField(
        default=False,
        help_text="Off the menu for good (a dish once ordered is archived, never deleted): not listed, not orderable.",
    )
    is_combo = models.BooleanField(
        default=False, help_text="A meal deal: sold at its price, the customer fills each of its slots with a dish."
    )
    option_groups = models.ManyToManyField(
        "OptionGroup", through="MenuItemOptionGroup", related_name="menuitems", blank=True
    )

    class Meta:
        # `search` (title or description containing each word) has trigram indexes on
        # PostgreSQL, made by migration 0003 because they depend on the pg_trgm extension.
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(price__gt=0), name="menu_item_price_positive")]
        indexes = [
            models.Index(fields=["position", "id"], name="menu_item_position_idx"),
            models.Index(fields=["category", "position", "id"], name="menu_item_category_idx"),
            # A category in price or title order (the menu's filter + ordering), without a sort.
            models.Index(fields=["category", "price", "id"], name="menu_item_category_price_idx"),
            models.Index(fields=["category", "title", "id"], name="menu_item_category_title_idx"),
            models.Index(fields=["price", "id"], name="menu_item_price_idx"),
            models.Index(fields=["title", "id"], name="menu_item_title_idx"),
            models.Index(fields=["featured", "position"], name="menu_item_featured_idx"),
            models.Index(fields=["available", "position"], name="menu_item_available_idx"),
            models.Index(fields=["archived", "category", "position"], name="menu_item_archived_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def orderable(self) -> bool:
        """What the cart and order placement accept: on the menu (not archived) and not sold out."""
        return self.available and not self.archived

    @property
    def dietary(self) -> list[str]:
        return [tag.value for tag in DietaryTag if getattr(self, tag.field_name)]


# --- options and combos (menu/options.py validates and prices a customer's selection) ----------

MAX_DELTA = Decimal("999.99")


class OptionGroup(TimeStampedModel):
    """A question a dish asks ("Size": exactly one; "Extras": up to three). Shared: several dishes
    may offer the same group (`MenuItem.option_groups`), so a change reaches them all."""

    name = models.CharField(max_length=80, help_text='What the customer sees, e.g. "Size" or "Extras".')
    min_choices = models.PositiveSmallIntegerField(default=0, help_text="0: optional; 1 or more: required.")
    max_choices = models.PositiveSmallIntegerField(default=1, help_text="1: pick one (radio buttons).")
    position = models.PositiveIntegerField(default=0, help_text="Lower comes first on the dish.")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_choices__gte=1) & models.Q(max_choices__gte=models.F("min_choices")),
                name="option_group_min_max_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def required(self) -> bool:
        return self.min_choices > 0

    @property
    def single(self) -> bool:
        return self.max_choices == 1


class OptionChoice(TimeStampedModel):
    """One answer to a group ("Large", +2.00), with its price difference (may be negative: the
    validator keeps the unit price above zero)."""

    group = models.ForeignKey(OptionGroup, on_delete=models.CASCADE, related_name="choices")
    name = models.CharField(max_length=80)
    price_delta = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(-MAX_DELTA), MaxValueValidator(MAX_DELTA)],
    )
    available = models.BooleanField(default=True, help_text="Untick when the kitchen runs out of it.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["group", "position", "id"], name="menu_option_choice_group_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_delta__gte=-MAX_DELTA, price_delta__lte=MAX_DELTA),
                name="option_choice_delta_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MenuItemOptionGroup(models.Model):
    """A dish offering a group, at a position among its groups."""

    menuitem = models.ForeignKey(MenuItem, on_delete=models.CASCADE, related_name="option_links")
    group = models.ForeignKey(OptionGroup, on_delete=models.CASCADE, related_name="menuitem_links")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "option group of a dish"
        constraints = [models.UniqueConstraint(fields=["menuitem", "group"], name="menu_item_option_group_unique")]

    def __str__(self) -> str:
        return f"{self.menuitem_id} offers {self.group_id}"


class ComboSlot(models.Model):
    """A place in a combo ("a main", "a side", "a drink"), filled with one of the dishes it offers."""

    combo = models.ForeignKey(MenuItem, on_delete=models.CASCADE, related_name="slots")
    name = models.CharField(max_length=80)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class ComboSlotOption(models.Model):
    """A dish a combo slot offers, with its supplement (0 for most)."""

    slot = models.ForeignKey(ComboSlot, on_delete=models.CASCADE, related_name="options")
    menuitem = models.ForeignKey(MenuItem, on_delete=models.CASCADE, related_name="+")
    supplement = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(MAX_DELTA)],
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "menuitem"], name="menu_combo_slot_option_unique"),
            models.CheckConstraint(
                condition=models.Q(supplement__gte=0, supplement__lte=MAX_DELTA), name="combo_slot_supplement_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot_id}: {self.menuitem_id}"
