from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from littlelemon.core.models import TimeStampedModel

from .enums import DietaryTag

MAX_PRICE = Decimal("99999.99")
PORTION_COUNTERS = ("portions_left", "portions_date")  # written by menu.portions only


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
    # The same photo at the cards' size (menu.photos), written with `image`; empty for a photo
    # stored before there was one (the cards then show `image`). Nullable without a database
    # default, so SQLite adds it in place (the stamp triggers).
    image_card = models.ImageField(upload_to="menu/", blank=True, null=True, editable=False)
    position = models.PositiveIntegerField(default=0, help_text="Lower comes first within its category.")
    # Daily portions (menu.portions): `daily_portions` None is unlimited. The day's count is
    # `portions_left` for the local date `portions_date`; on another date the dish has its full
    # `daily_portions` again (the morning reset is derived from the date: no job). All three
    # nullable without a database default, so SQLite adds them in place (the stamp triggers).
    daily_portions = models.PositiveIntegerField(
        null=True, blank=True, help_text="Portions the kitchen sells a day; empty for no limit."
    )
    portions_left = models.PositiveIntegerField(null=True, blank=True, editable=False)
    portions_date = models.DateField(null=True, blank=True, editable=False)
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
    def photo_for_cards(self) -> models.fields.files.FieldFile:
        """The photo file the cards and thumbnails show: the card size, or the full one for a
        photo stored before there was a card size (empty when the dish has no photo)."""
        return self.image_card or self.image

    @property
    def dietary(self) -> list[str]:
        return [tag.value for tag in DietaryTag if getattr(self, tag.field_name)]

    def save(self, *args, **kwargs):
        # The day's count is written only by menu.portions' conditional UPDATEs: saving a dish
        # read a moment ago (an edit in the admin or the API) must not put back an older count.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in PORTION_COUNTERS
            ]
        super().save(*args, **kwargs)

    def portions_left_on(self, day: date) -> int | None:
        """The portions left on the local date `day` (None: no limit). No query."""
        if self.daily_portions is None:
            return None
        if self.portions_date == day and self.portions_left is not None:
            return min(self.portions_left, self.daily_portions)
        return self.daily_portions

    @property
    def portions_left_today(self) -> int | None:
        from littlelemon.restaurant.selectors import restaurant_today

        return self.portions_left_on(restaurant_today())

    @property
    def sold_out(self) -> bool:
        """Untaken off the menu by the kitchen (`available` False), or no portion left today."""
        return not self.available or self.portions_left_today == 0

    @property
    def orderable(self) -> bool:
        """What the cart and order placement accept: on the menu (not archived), not sold out and
        not out of today's portions (time windows aside: menu.windows)."""
        return not self.archived and not self.sold_out


class AvailabilityWindow(models.Model):
    """When a dish, or every dish of a category, can be ordered: a weekday and a local time range
    (the restaurant's time zone), `starts` included, `ends` excluded. A dish with windows of its
    own follows them; otherwise its category's; with neither it is served whenever the restaurant
    takes orders. A window ends on the day it starts: an evening into the night is two windows."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    menuitem = models.ForeignKey(
        MenuItem, null=True, blank=True, on_delete=models.CASCADE, related_name="availability_windows"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="availability_windows"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField(help_text="Local time, included.")
    ends = models.TimeField(help_text="Local time, excluded; after the start (23:59 at the latest).")

    class Meta:
        ordering = ["weekday", "starts", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(menuitem__isnull=False, category__isnull=True)
                    | models.Q(menuitem__isnull=True, category__isnull=False)
                ),
                name="menu_window_dish_or_category",
            ),
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="menu_window_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="menu_window_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"

    def clean(self) -> None:
        if (self.menuitem_id is None) == (self.category_id is None):
            raise ValidationError("A window belongs to a dish or to a category (exactly one).")
        if self.starts is not None and self.ends is not None and self.ends <= self.starts:
            raise ValidationError(
                {"ends": "A window ends after it starts, on the same day: split one that runs past midnight."}
            )


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
