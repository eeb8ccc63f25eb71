from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .cart import cart_for
from .info import restaurant_info_for


def restaurant(request: HttpRequest) -> dict[str, object]:
    """What every page's header and footer show, lazily (a template that shows none of it costs
    no query):

    - `restaurant`: name, contact, hours, open now. No cache, so a manager's change shows at once.
    - `cart`: the signed-in customer's cart or the visitor's, for the header's cart link
      (`cart.quantity`: one query, none for a visitor who has not added a dish yet).
    """
    return {"restaurant": restaurant_info_for(request), "cart": SimpleLazyObject(lambda: cart_for(request))}
