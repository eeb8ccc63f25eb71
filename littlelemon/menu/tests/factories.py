from decimal import Decimal

import factory

from littlelemon.menu.models import Category, MenuItem


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
