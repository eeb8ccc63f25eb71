import factory

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.cart.models import CartLine
from littlelemon.menu.tests.factories import MenuItemFactory


class CartLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CartLine

    user = factory.SubFactory(UserFactory)
    menuitem = factory.SubFactory(MenuItemFactory)
    quantity = 1
    price_when_added = factory.LazyAttribute(lambda line: line.menuitem.price)
