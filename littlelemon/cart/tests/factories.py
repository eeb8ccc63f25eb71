import factory

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.cart.models import CartLine
from littlelemon.menu.models import OptionChoice
from littlelemon.menu.tests.factories import MenuItemFactory


class CartLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CartLine

    user = factory.SubFactory(UserFactory)
    menuitem = factory.SubFactory(MenuItemFactory)
    quantity = 1
    price_when_added = factory.LazyAttribute(lambda line: line.menuitem.price)


def choice_ids(*names: str) -> list[int]:
    """The ids of option choices by name (names are unique in these tests)."""
    by_name = dict(OptionChoice.objects.values_list("name", "id"))
    return [by_name[name] for name in names]
