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
