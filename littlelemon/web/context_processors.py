from django.http import HttpRequest

from .info import RestaurantInfo, restaurant_info_for


def restaurant(request: HttpRequest) -> dict[str, RestaurantInfo]:
    """`restaurant` in every page's context: name, contact, hours, open now. Lazy: a template
    that shows none of it costs no query. No cache, so a manager's change shows at once."""
    return {"restaurant": restaurant_info_for(request)}
