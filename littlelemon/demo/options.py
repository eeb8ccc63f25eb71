"""The demo menu's options and its meal deals (seed_demo): a burger with a required Size and up to
three Extras, a "Lunch Deal" combo (a main, a side, a drink) and a "Breakfast Deal" (a breakfast
dish and a drink) in the Breakfast category, so served only at breakfast, as are the breakfast
dishes it offers. Idempotent: found by name and title, made once."""

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
SIZE = ("Size", 1, 1, [("Regular", D("0.00")), ("Large", D("2.50"))])
EXTRAS = ("Extras", 0, 3, [("Feta", D("1.50")), ("Fried egg", D("1.25")), ("Avocado", D("2.00")), ("Bacon", D("2.25"))])
REMOVE = ("Leave out", 0, 3, [("No onions", D("0.00")), ("No pickles", D("0.00")), ("No sauce", D("0.00"))])
# The combos: title -> (slug, category slug, price, description, featured, position, [(slot name,
# [(dish title, supplement)])]).
COMBOS = {
    "Lunch Deal": (
        "lunch-deal",
        "grill",
        D("19.00"),
        "A main, a side and a drink: build your own meal.",
        True,
        651,
        [
            ("A main", [(BURGER, D("0.00")), ("Falafel", D("0.00")), ("Lamb Kofta", D("3.00"))]),
            ("A side", [("Hummus", D("0.00")), ("Tzatziki", D("0.00")), ("Greek Salad", D("2.00"))]),
            ("A drink", [("Fresh Lemonade", D("0.00")), ("Mint Tea", D("0.00")), ("Ayran", D("0.50"))]),
        ],
    ),
    "Breakfast Deal": (
        "breakfast-deal",
        "breakfast",
        D("12.00"),
        "A breakfast dish and a drink, served until 11:00.",
        False,
        4,
        [
            (
                "A breakfast",
                [
                    ("Spinach and Feta Omelette", D("1.50")),
                    ("Avocado Toast with Za'atar", D("1.00")),
                    ("Sesame Koulouri", D("0.00")),
                ],
            ),
            ("A drink", [("Greek Coffee", D("0.00")), ("Mint Tea", D("0.00")), ("Fresh Lemonade", D("0.50"))]),
        ],
    ),
}


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
    """The burger with its groups (Size shared with the combo's burger) and the combos."""
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
    for title, (slug, category, price, description, featured, position, slots) in COMBOS.items():
        _combo(
            title,
            slug=slug,
            category=category,
            price=price,
            description=description,
            featured=featured,
            position=position,
            slots=slots,
        )


def _combo(title: str, *, category: str, slots: list, **fields) -> None:
    """A combo with its slots and the dishes each offers (those on the menu), made once."""
    combo = _dish(title, category=Category.objects.get(slug=category), is_combo=True, **fields)
    if ComboSlot.objects.filter(combo=combo).exists():
        return
    offered = [dish for _, offers in slots for dish, _ in offers]
    dishes = {item.title: item for item in MenuItem.objects.filter(title__in=offered)}
    for slot_position, (name, offers) in enumerate(slots):
        slot = ComboSlot.objects.create(combo=combo, name=name, position=slot_position)
        ComboSlotOption.objects.bulk_create(
            ComboSlotOption(slot=slot, menuitem=dishes[dish], supplement=supplement, position=index)
            for index, (dish, supplement) in enumerate(offers)
            if dish in dishes
        )
