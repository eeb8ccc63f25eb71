"""The public menu: anonymous reads, as a browser or an app showing the menu sends them."""

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
    etag = ctx.get(LIST).headers.get("ETag")
    assert etag, "the menu list carries no ETag"
    return Request(LIST, headers={"If-None-Match": etag})


SCENARIOS = [
    Scenario("menu_list", vs="bare_const", target=0.6, prepare=menu_list),
    Scenario("menu_list_filtered", vs="bare_sql", target=0.8, prepare=menu_list_filtered),
    Scenario("menu_item", vs="bare_const", target=0.7, prepare=menu_item),
    Scenario("menu_conditional", vs="bare_const", target=0.8, prepare=menu_conditional, expect=304),
]
