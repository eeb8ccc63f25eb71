from django import forms
from django.contrib import admin

from .enums import Allergen
from .models import AvailabilityWindow, Category, MenuItem
from .portions import portions_allowance_changed
from .selectors import category_list_all


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
            "daily_portions",
        )


@admin.register(MenuItem)
class MenuItemAdmin(admin.ModelAdmin):
    form = MenuItemForm
    inlines = (DishWindowInline,)
    readonly_fields = ("portions_today",)
    list_display = ("title", "category", "price", "available", "daily_portions", "featured", "archived", "position")
    list_editable = ("price", "available", "featured", "position")
    list_filter = (
        "category",
        "archived",
        "available",
        "featured",
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
        ("On the menu", {"fields": ("available", "featured", "archived", "daily_portions", "portions_today")}),
        ("Dietary", {"fields": ("vegetarian", "vegan", "gluten_free", "dairy_free", "nut_free", "allergens")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "daily_portions" in form.changed_data:
            portions_allowance_changed(
                item_id=obj.pk, before=form.initial.get("daily_portions"), after=obj.daily_portions
            )

    @admin.display(description="portions left today")
    def portions_today(self, item: MenuItem) -> str:
        left = item.portions_left_today
        return "no limit" if left is None else str(left)
