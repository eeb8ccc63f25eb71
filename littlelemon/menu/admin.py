from django import forms
from django.contrib import admin

from .enums import Allergen
from .models import Category, MenuItem
from .selectors import category_list_all


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
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
        )


@admin.register(MenuItem)
class MenuItemAdmin(admin.ModelAdmin):
    form = MenuItemForm
    list_display = ("title", "category", "price", "available", "featured", "archived", "position")
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
        ("On the menu", {"fields": ("available", "featured", "archived")}),
        ("Dietary", {"fields": ("vegetarian", "vegan", "gluten_free", "dairy_free", "nut_free", "allergens")}),
    )
