"""The menu editor's forms (/staff/menu/): they parse what a manager typed; `menu.services`
decides. A form's `service_data()` is what the service takes, so a new field (option groups,
time windows, ...) is one field here and one key there."""

from decimal import Decimal
from typing import Any

from django import forms

from littlelemon.menu import selectors as menu_selectors
from littlelemon.menu.enums import Allergen, DietaryTag
from littlelemon.menu.models import MAX_PRICE, Category, MenuItem

MAX_POSITION = 10_000


class CategoryForm(forms.Form):
    title = forms.CharField(
        label="Name",
        max_length=Category._meta.get_field("title").max_length,
        error_messages={"required": "Give the category a name."},
    )
    hidden = forms.BooleanField(
        label="Hidden from customers", required=False, help_text="It and its dishes leave the menu until shown again."
    )

    def service_data(self) -> dict[str, Any]:
        return {"title": self.cleaned_data["title"].strip(), "hidden": self.cleaned_data["hidden"]}


class DishForm(forms.Form):
    title = forms.CharField(
        label="Name",
        max_length=MenuItem._meta.get_field("title").max_length,
        error_messages={"required": "Give the dish a name."},
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the menu's categories."},
    )
    price = forms.DecimalField(
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_PRICE,
        error_messages={
            "required": "Enter a price.",
            "invalid": "Enter the price as a number, e.g. 12.50.",
            "min_value": "The price must be greater than 0.",
            "max_value": f"The price must be at most {MAX_PRICE}.",
            "max_decimal_places": "A price has at most 2 decimal places.",
            "max_digits": f"The price must be at most {MAX_PRICE}.",
            "max_whole_digits": f"The price must be at most {MAX_PRICE}.",
        },
    )
    description = forms.CharField(
        required=False,
        max_length=MenuItem._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    dietary = forms.MultipleChoiceField(
        label="Dietary tags", choices=DietaryTag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    allergens = forms.MultipleChoiceField(choices=Allergen.choices, required=False, widget=forms.CheckboxSelectMultiple)
    featured = forms.BooleanField(required=False, help_text="Shown on the home page.")
    available = forms.BooleanField(
        label="Available", required=False, initial=True, help_text="Untick when sold out: it stays on the menu."
    )
    position = forms.IntegerField(
        min_value=0,
        max_value=MAX_POSITION,
        initial=0,
        help_text="Lower comes first within its category.",
        error_messages={
            "min_value": "The position is 0 or more.",
            "max_value": f"The position is at most {MAX_POSITION}.",
        },
    )
    image = forms.FileField(
        label="Photo",
        required=False,
        help_text="JPEG, PNG, WebP or GIF; it is resized for the menu.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = menu_selectors.category_list_all()

    @classmethod
    def initial_for(cls, item: MenuItem) -> dict[str, Any]:
        return {
            "title": item.title,
            "category": item.category_id,
            "price": item.price,
            "description": item.description,
            "dietary": item.dietary,
            "allergens": item.allergens,
            "featured": item.featured,
            "available": item.available,
            "position": item.position,
            "image": item.image,
        }

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("Give the dish a name.")
        return title

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.fields if name != "image"}
        data["dietary"] = sorted(data["dietary"])
        data["allergens"] = sorted(data["allergens"])
        image = self.cleaned_data.get("image")
        if image is False:  # "Clear" ticked
            data["image"] = ""
        elif image and "image" in self.changed_data:
            data["image"] = image
        return data
