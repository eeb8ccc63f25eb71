"""The public menu: anonymous reads, as a browser or an app showing the menu sends them.

The same two reads are measured three ways: through nginx (`*_nginx`: its shared cache answers
repeats, as deployed), sent to gunicorn directly (Django's cache allowed), and with no cache of
any kind (`menu_list_nocache`: bench/nocache_settings.py makes Django's caches dummies, and no
proxy is in front). `menu_list_nothrottle` is `menu_list` with every throttle off: the two side
by side say what the throttle store costs a request.
"""

from . import Request, Scenario

ITEMS = "/api/v1/menu-items/"
LIST = f"{ITEMS}?page_size=20"


def menu_list(ctx) -> Request:
    return Request(LIST)


def menu_list_filtered(ctx) -> Request:
    # Category + search + ordering: `mains` and "lemon" exist at every scale (bench/datasets/menu.py).
    return Request(f"{ITEMS}?category=mains&search=lemon&ordering=-price")


def menu_item(ctx) -> Request:
    from littlelemon.menu.models import MenuItem

    return Request(f"{ITEMS}{MenuItem.objects.order_by('id').values_list('id', flat=True)[0]}/")


def menu_conditional(ctx) -> Request:
    """A client revalidating the list page it has: If-None-Match with the ETag it was given."""
    return Request(LIST, headers={"If-None-Match": ctx.etag(LIST)})


SCENARIOS = [
    Scenario("menu_list_nginx", vs="bare_const_nginx", target=1.0, via="nginx", prepare=menu_list),
    Scenario("menu_item_nginx", vs="bare_const_nginx", target=1.0, via="nginx", prepare=menu_item),
    Scenario("menu_list", vs="bare_const", target=0.35, prepare=menu_list),
    Scenario("menu_item", vs="bare_const", target=0.35, prepare=menu_item),
    Scenario("menu_conditional", vs="bare_sql", target=0.4, prepare=menu_conditional, expect=304),
    Scenario("menu_list_nocache", vs="bare_sql", target=0.25, via="nocache", prepare=menu_list),
    Scenario("menu_list_filtered", vs="bare_sql", target=None, prepare=menu_list_filtered),
    Scenario(
        "menu_list_nothrottle",
        vs="bare_const",
        target=None,
        via="nothrottle",
        prepare=menu_list,
        note="menu_list with the throttles off",
    ),
]
