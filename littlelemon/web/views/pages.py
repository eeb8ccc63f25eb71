"""Home, menu and dish pages."""

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from littlelemon.menu import selectors as menu_selectors
from littlelemon.menu.enums import DietaryTag
from littlelemon.menu.filters import MenuItemFilter
from littlelemon.recommendations import selectors as recommendations

from ..cart import cart_for

FEATURED_ON_HOME = 6
RECOMMENDED = 4  # dishes in a "Your usuals", "Popular now", "Pairs well with" or "Complete your meal" row


def _timed(items):
    """The dishes, each marked with whether it is served now and from when (one query: the windows)."""
    return menu_selectors.menu_items_timed(items, windows=menu_selectors.windows_load(), now=timezone.now())


# The menu page offers these of MenuItemFilter's filters; the API offers them all.
MENU_PAGE_FILTERS = ("search", "category", "dietary")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    featured = MenuItemFilter({"featured": True}, queryset=menu_selectors.menu_item_list()).qs[:FEATURED_ON_HOME]
    recommended = recommendations.for_visitor(request.user, exclude=cart_for(request).dish_ids, limit=RECOMMENDED)
    return render(request, "web/home.html", {"featured": _timed(featured), "recommended": recommended})


def _menu_filter(query: QueryDict) -> MenuItemFilter:
    """The menu's filters from the page's GET form: the dietary checkboxes arrive as repeated
    `dietary=` keys (a typed link may also separate them with commas), the API's filter takes
    known tags comma-separated. Unknown or invalid values are dropped (a bookmarked or mistyped
    link never breaks the page)."""
    data = {name: query.get(name, "").strip() for name in MENU_PAGE_FILTERS}
    tags = (tag.strip() for value in query.getlist("dietary") for tag in value.split(","))
    data["dietary"] = ",".join(dict.fromkeys(tag for tag in tags if tag in DietaryTag.values))
    return MenuItemFilter(
        {name: value for name, value in data.items() if value}, queryset=menu_selectors.menu_item_list_by_category()
    )


@require_GET
def menu(request: HttpRequest) -> HttpResponse:
    menu_filter = _menu_filter(request.GET)
    menu_filter.is_valid()  # the filters that are valid apply (and show as chosen); the others are dropped
    chosen = menu_filter.form.cleaned_data
    items = _timed(menu_filter.qs)
    context = {
        "items": items,
        # Lazy: read only when the full page renders its category filter, not for an htmx fragment.
        "categories": menu_selectors.category_list().filter(item_count__gt=0),
        "dietary_choices": DietaryTag.choices,
        "search": chosen.get("search") or "",
        "category": chosen.get("category") or "",
        "dietary": chosen.get("dietary") or [],
        "filtered": any(chosen.get(name) for name in MENU_PAGE_FILTERS),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "web/partials/menu_results_swap.html", context)
    else:
        response = render(request, "web/menu.html", context)
    # The same URL answers a fragment to htmx and a page to a browser: caches must keep both.
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def dish(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(menu_selectors.menu_item_list(), slug=slug)
    pairs = recommendations.pairs_well_with(
        item.pk, user=request.user, cart=cart_for(request).dish_ids, limit=RECOMMENDED
    )
    return render(request, "web/dish.html", {"item": _timed([item])[0], "pairs": pairs})
