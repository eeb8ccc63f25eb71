"""The demo menu's options and its meal deal (seed_demo): a burger with a required Size and up to
three Extras, and a "Lunch Deal" combo (a main, a side, a drink). Idempotent: found by name and
title, made once."""

from decimal import Decimal

from littlelemon.menu.models import (
    Category,
    ComboSlot,
    ComboSlotOption,
    MenuItem,
    MenuItemOptionGroup,
    OptionChoice,
    OptionGroup,
)

D = Decimal

BURGER = "Lemon Burger"
COMBO = "Lunch Deal"
SIZE = ("Size", 1, 1, [("Regular", D("0.00")), ("Large", D("2.50"))])
EXTRAS = ("Extras", 0, 3, [("Feta", D("1.50")), ("Fried egg", D("1.25")), ("Avocado", D("2.00")), ("Bacon", D("2.25"))])
REMOVE = ("Leave out", 0, 3, [("No onions", D("0.00")), ("No pickles", D("0.00")), ("No sauce", D("0.00"))])
# slot name -> [(dish title, supplement)]
SLOTS = [
    ("A main", [(BURGER, D("0.00")), ("Falafel", D("0.00")), ("Lamb Kofta", D("3.00"))]),
    ("A side", [("Hummus", D("0.00")), ("Tzatziki", D("0.00")), ("Greek Salad", D("2.00"))]),
    ("A drink", [("Fresh Lemonade", D("0.00")), ("Mint Tea", D("0.00")), ("Ayran", D("0.50"))]),
]


def _group(name: str, min_choices: int, max_choices: int, choices: list, position: int) -> OptionGroup:
    group = OptionGroup.objects.filter(name=name).first()
    if group is None:
        group = OptionGroup.objects.create(
            name=name, min_choices=min_choices, max_choices=max_choices, position=position
        )
        OptionChoice.objects.bulk_create(
            OptionChoice(group=group, name=choice, price_delta=delta, position=index)
            for index, (choice, delta) in enumerate(choices)
        )
    return group


def _dish(title: str, **fields) -> MenuItem:
    item = MenuItem.objects.filter(title=title).first()
    return item or MenuItem.objects.create(title=title, **fields)


def menu_options_seed() -> None:
    """The burger with its groups (Size shared with the combo's burger) and the Lunch Deal."""
    mains = Category.objects.get(slug="grill")
    burger = _dish(
        BURGER,
        slug="lemon-burger",
        category=mains,
        price=D("13.50"),
        description="Grilled beef patty, lemon-herb mayo, tomato and lettuce in a toasted bun.",
        allergens=["gluten", "eggs", "milk"],
        featured=True,
        position=650,
    )
    for position, spec in enumerate((SIZE, EXTRAS, REMOVE)):
        group = _group(*spec, position=position)
        MenuItemOptionGroup.objects.get_or_create(menuitem=burger, group=group, defaults={"position": position})
    combo = _dish(
        COMBO,
        slug="lunch-deal",
        category=mains,
        price=D("19.00"),
        description="A main, a side and a drink: build your own meal.",
        is_combo=True,
        featured=True,
        position=651,
    )
    if not ComboSlot.objects.filter(combo=combo).exists():
        dishes = {
            item.title: item
            for item in MenuItem.objects.filter(title__in=[t for _, offers in SLOTS for t, _ in offers])
        }
        for position, (name, offers) in enumerate(SLOTS):
            slot = ComboSlot.objects.create(combo=combo, name=name, position=position)
            ComboSlotOption.objects.bulk_create(
                ComboSlotOption(slot=slot, menuitem=dishes[title], supplement=supplement, position=index)
                for index, (title, supplement) in enumerate(offers)
                if title in dishes
            )
