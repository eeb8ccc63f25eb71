from django import forms
from django.contrib import admin
from django.db.models import Count

from .enums import Allergen
from .models import (
    AvailabilityWindow,
    Category,
    ComboSlot,
    ComboSlotOption,
    MenuItem,
    MenuItemOptionGroup,
    OptionChoice,
    OptionGroup,
)
from .portions import portions_allowance_changed
from .selectors import category_list_all
from .services import menu_item_photo_stored_as_sent


class AvailabilityWindowInline(admin.TabularInline):
    """When the dish (or every dish of the category) can be ordered; none: whenever the restaurant
    takes orders. A dish's own windows replace its category's."""

    model = AvailabilityWindow
    fields = ("weekday", "starts", "ends")
    extra = 0


class CategoryWindowInline(AvailabilityWindowInline):
    fk_name = "category"
    exclude = ("menuitem",)


class DishWindowInline(AvailabilityWindowInline):
    fk_name = "menuitem"
    exclude = ("category",)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    inlines = (CategoryWindowInline,)
    list_display = ("title", "slug", "position", "hidden", "item_count")
    list_editable = ("position",)
    list_filter = ("hidden",)
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}

    def get_queryset(self, request):
        return category_list_all()  # hidden categories too: the admin is the owner's

    @admin.display(description="dishes", ordering="item_count")
    def item_count(self, category: Category) -> int:
        return category.item_count


class MenuItemForm(forms.ModelForm):
    allergens = forms.MultipleChoiceField(choices=Allergen.choices, widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = MenuItem
        fields = (
            "title",
            "slug",
            "category",
            "description",
            "price",
            "image",
            "position",
            "available",
            "featured",
            "vegetarian",
            "vegan",
            "gluten_free",
            "dairy_free",
            "nut_free",
            "allergens",
            "is_combo",
            "daily_portions",
        )


class MenuItemOptionGroupInline(admin.TabularInline):
    model = MenuItemOptionGroup
    extra = 0
    autocomplete_fields = ("group",)
    verbose_name = "option group"
    verbose_name_plural = "option groups (a group may be shared by several dishes)"


class ComboSlotInline(admin.TabularInline):
    model = ComboSlot
    extra = 0
    show_change_link = True  # the dishes a slot offers are edited on the slot's page
    verbose_name_plural = "combo slots (for a combo: the dishes each offers are edited on the slot's page)"


@admin.register(MenuItem)
class MenuItemAdmin(admin.ModelAdmin):
    form = MenuItemForm
    inlines = (DishWindowInline, MenuItemOptionGroupInline, ComboSlotInline)
    readonly_fields = ("portions_today",)
    list_display = ("title", "category", "price", "available", "daily_portions", "featured", "archived", "position")
    list_editable = ("price", "available", "featured", "position")
    list_filter = (
        "category",
        "archived",
        "available",
        "featured",
        "is_combo",
        "vegetarian",
        "vegan",
        "gluten_free",
        "dairy_free",
        "nut_free",
    )
    list_select_related = ("category",)
    search_fields = ("title", "description", "slug")
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = (
        (None, {"fields": ("title", "slug", "category", "description", "price", "image", "position")}),
        (
            "On the menu",
            {"fields": ("available", "featured", "archived", "is_combo", "daily_portions", "portions_today")},
        ),
        ("Dietary", {"fields": ("vegetarian", "vegan", "gluten_free", "dairy_free", "nut_free", "allergens")}),
    )

    def save_model(self, request, obj, form, change):
        if change and "image" in form.changed_data:
            old = form.initial.get("image")
            menu_item_photo_stored_as_sent(item=obj, replaced=old.name if old else "")
        super().save_model(request, obj, form, change)
        if change and "daily_portions" in form.changed_data:
            portions_allowance_changed(
                item_id=obj.pk, before=form.initial.get("daily_portions"), after=obj.daily_portions
            )

    @admin.display(description="portions left today")
    def portions_today(self, item: MenuItem) -> str:
        left = item.portions_left_today
        return "no limit" if left is None else str(left)


class OptionChoiceInline(admin.TabularInline):
    model = OptionChoice
    extra = 1
    fields = ("name", "price_delta", "available", "position")


@admin.register(OptionGroup)
class OptionGroupAdmin(admin.ModelAdmin):
    """Option groups with their choices; attach a group to dishes on each dish's page."""

    list_display = ("name", "min_choices", "max_choices", "position", "dish_count")
    search_fields = ("name",)
    inlines = (OptionChoiceInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(dish_count=Count("menuitem_links"))

    @admin.display(description="dishes", ordering="dish_count")
    def dish_count(self, group: OptionGroup) -> int:
        return group.dish_count


class ComboSlotOptionInline(admin.TabularInline):
    model = ComboSlotOption
    extra = 1
    autocomplete_fields = ("menuitem",)
    fields = ("menuitem", "supplement", "position")
    verbose_name = "dish offered"
    verbose_name_plural = "dishes offered in this slot"


@admin.register(ComboSlot)
class ComboSlotAdmin(admin.ModelAdmin):
    list_display = ("name", "combo", "position")
    list_select_related = ("combo",)
    search_fields = ("name", "combo__title")
    autocomplete_fields = ("combo",)
    inlines = (ComboSlotOptionInline,)
