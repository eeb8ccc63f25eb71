"""What to recommend, read from the precomputed scores in a fixed number of queries.

Every answer is a `Recommendations`: its kind and the dishes, best first. Each function runs the
same queries whatever the menu's or the history's size: the scores it needs (one query each),
then the candidate dishes and the menu's time windows (two queries), filtered and ranked in
Python:

- `pairs_well_with(item)`: what goes with one dish (4 queries: pairs, popular now, dishes, windows);
- `complete_your_meal(cart)`: what goes with a whole cart (the same 4);
- `usuals(user)`: a signed-in customer's own dishes (4: their history, popular now, dishes,
  windows), popular now when they have no history yet;
- `popular(...)`: popular now (3).

Never recommended (`orderable_now`, `_keep`): a dish that cannot be ordered now (archived, in a
hidden category, sold out, out of today's portions, outside its time windows), one already in
the cart (or the dish asked about), one lacking a dietary tag the customer requires or containing
an allergen they avoid (their account's food preferences).
"""

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from littlelemon.menu import selectors as menu_selectors
from littlelemon.menu.enums import DietaryTag
from littlelemon.menu.models import MenuItem
from littlelemon.menu.selectors import ON_MENU
from littlelemon.orders.models import OrderItem

from . import scoring
from .models import ItemPair, ItemPopularity
from .scoring import ANY, Basket
from .services import NOT_CHOSEN

DEFAULT_LIMIT = 4
MAX_LIMIT = 20
# A customer's usuals are read from their latest order lines, at most this many.
USUAL_LINES = 300


class Kind:
    PAIRS = "pairs"  # goes with a dish or a cart
    USUALS = "usuals"  # the customer's own
    POPULAR = "popular"  # popular now


@dataclass(frozen=True)
class Recommendations:
    kind: str
    items: list[MenuItem] = field(default_factory=list)


def local_now(now: datetime | None = None) -> datetime:
    return timezone.localtime(now or timezone.now(), zoneinfo.ZoneInfo(settings.TIME_ZONE))


def popular_now_scores(*, now: datetime | None = None) -> dict[int, float]:
    """Each dish's popularity now (scoring.popular_now), one query."""
    now = local_now(now)
    weekday, daypart = now.weekday(), scoring.daypart_of(now.hour)
    rows = ItemPopularity.objects.filter(
        Q(weekday=weekday, daypart=daypart) | Q(weekday=ANY, daypart=daypart) | Q(weekday=ANY, daypart=ANY)
    ).values_list("weekday", "daypart", "item_id", "share")
    slots: dict[tuple[int, int], dict[int, float]] = {}
    for row_weekday, row_daypart, item, share in rows:
        slots.setdefault((row_weekday, row_daypart), {})[item] = share
    return scoring.popular_now(slots, weekday=weekday, daypart=daypart)


def pair_scores_for(items: Iterable[int]) -> dict[int, float]:
    """What goes with all of `items`: their pair scores summed (scoring.cart_pair_scores), one query."""
    pairs: dict[int, list[tuple[int, float, int]]] = {}
    for item, other, score, support in ItemPair.objects.filter(item__in=set(items)).values_list(
        "item_id", "other_id", "score", "support"
    ):
        pairs.setdefault(item, []).append((other, score, support))
    return scoring.cart_pair_scores(pairs, pairs)


def usual_scores_for(user, *, now: datetime | None = None) -> dict[int, float]:
    """The customer's usuals (scoring.usual_scores) from their latest order lines, one query."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    rows = (
        OrderItem.objects.filter(order__customer=user, menuitem__isnull=False)
        .exclude(order__status__in=NOT_CHOSEN)
        .order_by("-order__created", "-order_id")
        .values_list("order_id", "order__created", "menuitem_id")[:USUAL_LINES]
    )
    orders: dict[int, tuple[datetime, list[int]]] = {}
    for order_id, created, item in rows:
        orders.setdefault(order_id, (created.astimezone(tz), []))[1].append(item)
    history = [Basket(customer=user.pk, at=at, items=tuple(items)) for at, items in orders.values()]
    return scoring.usual_scores(history, now=local_now(now))


def orderable_now(queryset: QuerySet[MenuItem], *, now: datetime) -> list[MenuItem]:
    """The dishes of `queryset` a customer can order now: on the menu (not archived, not in a
    hidden category), not sold out, with portions left today and inside their time windows.
    Two queries: the dishes, the windows."""
    dishes = list(queryset.filter(ON_MENU, available=True))
    windows = menu_selectors.windows_load()
    return [dish for dish in dishes if dish.orderable and windows.next_orderable(dish, now) == now]


def _keep(item: MenuItem, *, required: frozenset[str], avoided: frozenset[str]) -> bool:
    if any(not getattr(item, DietaryTag(tag).field_name) for tag in required):
        return False
    return not avoided.intersection(item.allergens or ())


def _dishes(scores: dict[int, float], *, limit: int, exclude: Iterable[int], user, now: datetime) -> list[MenuItem]:
    """The `limit` best-scored dishes that may be recommended to `user` now (one query)."""
    excluded = set(exclude)
    candidates = [item for item in scores if item not in excluded]
    if not candidates:
        return []
    required, avoided = user.food_preferences if user is not None and user.is_authenticated else (frozenset(),) * 2
    dishes = orderable_now(MenuItem.objects.filter(pk__in=candidates).select_related("category"), now=now)
    kept = [dish for dish in dishes if _keep(dish, required=required, avoided=avoided)]
    kept.sort(key=lambda dish: (-scores[dish.pk], dish.pk))
    return kept[:limit]


def complete_your_meal(
    cart: Iterable[int], *, user=None, limit: int = DEFAULT_LIMIT, now: datetime | None = None
) -> Recommendations:
    """What goes with the dishes of `cart` (scoring.with_popularity: popular now times lift)."""
    cart = set(cart)
    now = local_now(now)
    popularity = popular_now_scores(now=now)
    scores = scoring.with_popularity(pair_scores_for(cart), popularity) if popularity or cart else {}
    return Recommendations(Kind.PAIRS, _dishes(scores, limit=limit, exclude=cart, user=user, now=now))


def pairs_well_with(
    item: int, *, user=None, cart: Iterable[int] = (), limit: int = DEFAULT_LIMIT, now: datetime | None = None
) -> Recommendations:
    """What goes with dish `item`, never `item` itself nor what is in `cart`."""
    now = local_now(now)
    scores = scoring.with_popularity(pair_scores_for([item]), popular_now_scores(now=now))
    return Recommendations(Kind.PAIRS, _dishes(scores, limit=limit, exclude={item, *cart}, user=user, now=now))


def popular(
    *, user=None, exclude: Iterable[int] = (), limit: int = DEFAULT_LIMIT, now: datetime | None = None
) -> Recommendations:
    now = local_now(now)
    return Recommendations(
        Kind.POPULAR, _dishes(popular_now_scores(now=now), limit=limit, exclude=exclude, user=user, now=now)
    )


def usuals(
    user, *, exclude: Iterable[int] = (), limit: int = DEFAULT_LIMIT, now: datetime | None = None
) -> Recommendations:
    """The customer's usuals (their own dishes, weighed against popular now); popular now for a
    customer without orders."""
    now = local_now(now)
    own = usual_scores_for(user, now=now)
    popularity = popular_now_scores(now=now)
    if not own:
        return Recommendations(Kind.POPULAR, _dishes(popularity, limit=limit, exclude=exclude, user=user, now=now))
    scores = scoring.with_popularity(own, popularity, scoring.USUALS_WEIGHT)
    # Usuals are the customer's own dishes: popularity only orders them (and fills the list).
    ranked = {item: score + (1000.0 if item in own else 0.0) for item, score in scores.items()}
    return Recommendations(Kind.USUALS, _dishes(ranked, limit=limit, exclude=exclude, user=user, now=now))


def for_visitor(
    user, *, exclude: Iterable[int] = (), limit: int = DEFAULT_LIMIT, now: datetime | None = None
) -> Recommendations:
    """The home page's and `/api/v1/recommendations/`'s answer: usuals when signed in, else popular now."""
    if user is not None and user.is_authenticated:
        return usuals(user, exclude=exclude, limit=limit, now=now)
    return popular(user=user, exclude=exclude, limit=limit, now=now)
