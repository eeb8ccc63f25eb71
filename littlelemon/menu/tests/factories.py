from decimal import Decimal

import factory

from littlelemon.menu.models import (
    Category,
    ComboSlot,
    ComboSlotOption,
    MenuItem,
    MenuItemOptionGroup,
    OptionChoice,
    OptionGroup,
)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    position = factory.Sequence(lambda n: n)


class MenuItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenuItem

    title = factory.Sequence(lambda n: f"Dish {n}")
    slug = factory.Sequence(lambda n: f"dish-{n}")
    description = "A dish."
    price = Decimal("10.00")
    category = factory.SubFactory(CategoryFactory)
    position = factory.Sequence(lambda n: n)


class OptionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OptionGroup

    name = factory.Sequence(lambda n: f"Group {n}")
    min_choices = 0
    max_choices = 1


class OptionChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OptionChoice

    group = factory.SubFactory(OptionGroupFactory)
    name = factory.Sequence(lambda n: f"Choice {n}")
    price_delta = Decimal("0.00")
    position = factory.Sequence(lambda n: n)


def group_with_choices(*, dish=None, name="Group", min_choices=0, max_choices=1, choices=(), position=0):
    """An option group with `choices` ((name, delta) pairs), offered by `dish` if given."""
    group = OptionGroupFactory(name=name, min_choices=min_choices, max_choices=max_choices, position=position)
    for index, (choice, delta) in enumerate(choices):
        OptionChoiceFactory(group=group, name=choice, price_delta=Decimal(delta), position=index)
    if dish is not None:
        MenuItemOptionGroup.objects.create(menuitem=dish, group=group, position=position)
    return group


def burger_with_options(**fields):
    """The options tests' dish: a Burger (12.50) with a required "Size" (Regular +0, Large +2.25)
    and up to three "Extras" (Cheese 1.00, Bacon 1.50, Egg 1.25, Avocado 1.75)."""
    dish = MenuItemFactory(**{"title": "Burger", "price": Decimal("12.50"), **fields})
    group_with_choices(
        dish=dish, name="Size", min_choices=1, max_choices=1, choices=[("Regular", "0"), ("Large", "2.25")]
    )
    group_with_choices(
        dish=dish,
        name="Extras",
        max_choices=3,
        choices=[("Cheese", "1.00"), ("Bacon", "1.50"), ("Egg", "1.25"), ("Avocado", "1.75")],
        position=1,
    )
    return dish


def combo_with_slots(*, price="19.00", slots=(), title="Lunch Deal"):
    """A combo with `slots`: (name, [(dish, supplement), ...]) pairs."""
    combo = MenuItemFactory(title=title, price=Decimal(price), is_combo=True)
    for position, (name, offers) in enumerate(slots):
        slot = ComboSlot.objects.create(combo=combo, name=name, position=position)
        for index, (dish, supplement) in enumerate(offers):
            ComboSlotOption.objects.create(slot=slot, menuitem=dish, supplement=Decimal(supplement), position=index)
    return combo


def menu_at_options_size(*, rich: bool, dishes: int = 3) -> list[MenuItem]:
    """The menu of the "same queries at two sizes of options" tests: `dishes` + 1 items either way.
    Plain: none has an option group. Rich: each dish offers five shared and unshared groups of
    eight choices, and the last item is a combo whose three slots offer those dishes."""
    items = [MenuItemFactory() for _ in range(dishes)]
    if not rich:
        return [*items, MenuItemFactory()]
    shared = group_with_choices(name="Shared", max_choices=3, choices=[(f"Shared {n}", "0.50") for n in range(8)])
    for dish in items:
        MenuItemOptionGroup.objects.create(menuitem=dish, group=shared, position=0)
        for position in range(1, 5):
            choices = [(f"Choice {position}.{n}", "1.25") for n in range(8)]
            group_with_choices(dish=dish, max_choices=2, choices=choices, position=position)
    slots = [(f"Slot {n}", [(dish, "1.00") for dish in items]) for n in range(3)]
    return [*items, combo_with_slots(slots=slots)]


def admin_dish_form(dish: MenuItem, **changes) -> dict:
    """The Django admin's change form for `dish` as posted unchanged, with `changes` on top; the
    dish page's inlines (time windows, option groups, combo slots) empty."""
    form = {
        "title": dish.title,
        "slug": dish.slug,
        "category": dish.category_id,
        "description": dish.description,
        "price": str(dish.price),
        "position": dish.position,
        "available": "on",
        **{
            f"{prefix}-{field}": value
            for prefix in ("availability_windows", "option_links", "slots")
            for field, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
        },
    }
    return form | changes
