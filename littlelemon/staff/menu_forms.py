"""The menu editor's forms (/staff/menu/): they parse what a manager typed; `menu.services`
decides. A form's `service_data()` is what the service takes, so a new field (option groups,
time windows, ...) is one field here and one key there."""

from decimal import Decimal
from typing import Any

from django import forms

from littlelemon.menu import selectors as menu_selectors
from littlelemon.menu.enums import Allergen, DietaryTag
from littlelemon.menu.models import MAX_DELTA, MAX_PRICE, Category, MenuItem, OptionGroup

from .restaurant_forms import BaseOpeningRangeFormSet, local_time_field, weekday_field

MAX_POSITION = 10_000
MAX_PORTIONS = 10_000


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
    is_combo = forms.BooleanField(
        label="Meal deal",
        required=False,
        help_text="Sold at its price; the customer fills each of its slots (a main, a side, ...) with a dish.",
    )
    daily_portions = forms.IntegerField(
        label="Portions a day",
        required=False,
        min_value=1,
        max_value=MAX_PORTIONS,
        help_text="Leave empty for no limit. At 0 left the dish shows sold out; the count starts afresh each morning.",
        error_messages={
            "invalid": "Enter a whole number of portions, e.g. 12.",
            "min_value": "At least 1 portion a day (leave it empty for no limit).",
            "max_value": f"At most {MAX_PORTIONS} portions a day.",
        },
    )
    option_groups = forms.ModelMultipleChoiceField(
        label="Option groups",
        queryset=OptionGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The questions the customer answers (shared with the other dishes offering them).",
        error_messages={"invalid_choice": "Choose among the option groups listed."},
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
        self.fields["option_groups"].queryset = OptionGroup.objects.order_by("position", "name", "id")

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
            "is_combo": item.is_combo,
            "position": item.position,
            "image": item.image,
            "daily_portions": item.daily_portions,
            "option_groups": [link.group_id for link in item.option_links.all()],
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
        data["option_groups"] = list(data["option_groups"])
        image = self.cleaned_data.get("image")
        if image is False:  # "Clear" ticked
            data["image"] = ""
        elif image and "image" in self.changed_data:
            data["image"] = image
        return data


def amount_field(label: str, *, what: str, low: Decimal, example: str) -> forms.DecimalField:
    """An amount added to a price (a choice's difference, a slot's supplement), `low` to 999.99."""
    too_high = f"{what} is at most {MAX_DELTA}."
    return forms.DecimalField(
        label=label,
        max_digits=7,
        decimal_places=2,
        min_value=low,
        max_value=MAX_DELTA,
        initial=Decimal("0.00"),
        error_messages={
            "required": f"Enter the {label.lower()} (0 for none).",
            "invalid": f"Enter the {label.lower()} as a number, e.g. {example}.",
            "min_value": f"{what} is 0 or more." if low == 0 else f"{what} is at least {low}.",
            "max_value": too_high,
            "max_decimal_places": f"{what} has at most 2 decimal places.",
            "max_whole_digits": too_high,
            "max_digits": too_high,
        },
    )


class WindowForm(forms.Form):
    """One time window: a weekday and a local time range, `starts` included, `ends` excluded."""

    weekday = weekday_field()
    starts = local_time_field("From", required="Enter the time it starts.", example="07:00")
    ends = local_time_field(
        "Until", required="Enter the time it ends.", example="11:00", help_text="Not included; on the same day."
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts"), data.get("ends")
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("ends", "The window ends after it starts, on the same day: split one past midnight.")
        return data


class BaseWindowFormSet(BaseOpeningRangeFormSet):
    def windows(self) -> list[tuple[int, Any, Any]]:
        """The kept rows' (weekday, starts, ends); blank rows and rows ticked "Remove" are skipped."""
        return [
            (f.cleaned_data["weekday"], f.cleaned_data["starts"], f.cleaned_data["ends"]) for f in self.kept_forms()
        ]


WindowFormSet = forms.formset_factory(
    WindowForm, formset=BaseWindowFormSet, extra=2, can_delete=True, max_num=7 * 8, validate_max=True
)


def window_formset(owner: MenuItem | Category | None, data=None) -> BaseWindowFormSet:
    """The windows of a dish or a category (none for a new one), prefix `windows`."""
    initial = (
        [{"weekday": w.weekday, "starts": w.starts, "ends": w.ends} for w in owner.availability_windows.all()]
        if owner is not None
        else []
    )
    return WindowFormSet(data, initial=initial, prefix="windows")


class OptionGroupForm(forms.Form):
    name = forms.CharField(
        max_length=OptionGroup._meta.get_field("name").max_length,
        help_text='What the customer sees, e.g. "Size" or "Extras".',
        error_messages={"required": "Give the group a name."},
    )
    min_choices = forms.IntegerField(
        label="At least",
        min_value=0,
        max_value=99,
        initial=0,
        help_text="0: optional; 1 or more: the customer must choose.",
        error_messages={"required": "Enter the minimum (0 for optional).", "min_value": "The minimum is 0 or more."},
    )
    max_choices = forms.IntegerField(
        label="At most",
        min_value=1,
        max_value=99,
        initial=1,
        help_text="1: pick one (radio buttons).",
        error_messages={"required": "Enter the maximum.", "min_value": "A group allows at least 1 choice."},
    )
    position = forms.IntegerField(
        min_value=0, max_value=MAX_POSITION, initial=0, help_text="Lower comes first on the dish."
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("min_choices"), data.get("max_choices")
        if low is not None and high is not None and low > high:
            self.add_error("min_choices", f"The minimum ({low}) cannot be above the maximum ({high}).")
        return data

    def service_data(self) -> dict[str, Any]:
        return {**self.cleaned_data, "name": self.cleaned_data["name"].strip()}


class OptionChoiceForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        max_length=OptionGroup._meta.get_field("name").max_length, error_messages={"required": "Name the choice."}
    )
    price_delta = amount_field("Price difference", what="A price difference", low=-MAX_DELTA, example="1.50 or -0.50")
    available = forms.BooleanField(required=False, initial=True)
    position = forms.IntegerField(min_value=0, max_value=MAX_POSITION, initial=0)


class BaseOptionChoiceFormSet(forms.BaseFormSet):
    kept_forms = BaseOpeningRangeFormSet.kept_forms

    def choices(self) -> list[dict[str, Any]]:
        return [dict(form.cleaned_data) for form in self.kept_forms()]


OptionChoiceFormSet = forms.formset_factory(
    OptionChoiceForm, formset=BaseOptionChoiceFormSet, extra=3, can_delete=True, max_num=100, validate_max=True
)


class ComboSlotForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        help_text="What the customer fills, e.g. “A main”, “A side”, “A drink”.",
        error_messages={"required": "Name the slot, e.g. “A side”."},
    )
    position = forms.IntegerField(
        min_value=0, max_value=MAX_POSITION, initial=0, help_text="Lower comes first in the meal deal."
    )


class ComboOfferForm(forms.Form):
    """A dish a slot offers; its choices (`dishes`: (id, label)) are read once for every row."""

    menuitem = forms.TypedChoiceField(
        label="Dish",
        coerce=int,
        error_messages={"required": "Choose a dish.", "invalid_choice": "Choose a dish on the menu."},
    )
    supplement = amount_field("Supplement", what="A supplement", low=Decimal("0.00"), example="1.50")
    position = forms.IntegerField(min_value=0, max_value=MAX_POSITION, initial=0)

    def __init__(self, *args: Any, dishes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["menuitem"].choices = [("", "Choose a dish"), *dishes]


class BaseComboOfferFormSet(forms.BaseFormSet):
    kept_forms = BaseOpeningRangeFormSet.kept_forms

    def offers(self) -> list[dict[str, Any]]:
        return [dict(form.cleaned_data) for form in self.kept_forms()]


ComboOfferFormSet = forms.formset_factory(
    ComboOfferForm, formset=BaseComboOfferFormSet, extra=3, can_delete=True, max_num=100, validate_max=True
)
