"""The menu part of the benchmark dataset (see bench/datasets/__init__.py).

Dishes get believable titles and descriptions from word lists, so `search` has something to
find: "lemon" is in about one dish in eight. Category slugs at scale 1 are the plain names
(`mains`, ...); larger scales add numbered copies (`mains-2`, ...), so a scenario can name
`mains` at every scale.
"""

from decimal import Decimal

from django.utils.text import slugify

from bench.datasets import Dataset, dataset_part
from littlelemon.menu.enums import Allergen
from littlelemon.menu.models import Category, MenuItem

CATEGORIES = ("Starters", "Mezze", "Salads", "Soups", "Mains", "Grill", "Seafood", "Vegetarian", "Desserts", "Drinks")
ADJECTIVES = ("Lemon", "Grilled", "Roasted", "Smoked", "Crispy", "Spiced", "Braised", "Charred")
ADJECTIVES += ("Herbed", "Honey", "Garlic", "Saffron", "Zesty", "Fresh", "Slow-cooked", "Golden")
MAINS = ("Chicken", "Lamb", "Halloumi", "Octopus", "Sea Bass", "Aubergine", "Chickpea", "Feta", "Prawn")
MAINS += ("Beef", "Falafel", "Mushroom", "Courgette", "Salmon", "Pork", "Tofu", "Lentil", "Squid")
STYLES = ("Souvlaki", "Salad", "Flatbread", "Skewers", "Bowl", "Stew", "Pie", "Wrap", "Platter")
STYLES += ("Risotto", "Soup", "Tagine", "Mezze", "Gyro", "Moussaka")
SIDES = ("warm pitta", "lemon potatoes", "rice pilaf", "a village salad", "chips", "grilled greens", "orzo")
SAUCES = ("tzatziki", "tahini", "lemon and oregano", "smoked paprika", "tomato and cinnamon", "yoghurt and mint")
ALLERGENS = [allergen.value for allergen in Allergen]


@dataset_part("menu", models=("menu.Category", "menu.MenuItem"))
def seed_menu(dataset: Dataset) -> None:
    """10 categories and 500 dishes a scale. Publishes `categories` (slugs) and `items` (ids)."""
    rng = dataset.rng
    categories = []
    for copy in range(1, dataset.scale + 1):
        for index, name in enumerate(CATEGORIES):
            title = name if copy == 1 else f"{name} {copy}"
            categories.append(Category(slug=slugify(title), title=title, position=copy * 100 + index))
    for category in categories:
        category.created = category.updated = dataset.epoch
    dataset.bulk_create(Category, categories)

    items = []
    for n in range(1, dataset.count(500) + 1):
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(MAINS)} {rng.choice(STYLES)}"
        vegan = rng.random() < 0.15
        items.append(
            MenuItem(
                title=title,
                slug=f"{slugify(title)}-{n}",
                description=f"Served with {rng.choice(SIDES)} and {rng.choice(SAUCES)}.",
                price=Decimal(rng.randrange(350, 4000, 5)) / 100,
                category=categories[(n - 1) % len(categories)],
                featured=rng.random() < 0.05,
                available=rng.random() < 0.92,
                vegetarian=vegan or rng.random() < 0.3,
                vegan=vegan,
                gluten_free=rng.random() < 0.25,
                dairy_free=vegan or rng.random() < 0.2,
                nut_free=rng.random() < 0.6,
                allergens=sorted(rng.sample(ALLERGENS, rng.randrange(0, 4))),
                position=n,
                created=dataset.epoch,
                updated=dataset.epoch,
            )
        )
    dataset.bulk_create(MenuItem, items)

    dataset.publish("menu", "categories", [category.slug for category in categories])
    dataset.publish("menu", "items", [item.pk for item in items])
