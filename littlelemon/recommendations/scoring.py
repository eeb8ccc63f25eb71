"""The recommender's arithmetic, on plain data: no queries, no models (the evaluation command
and the nightly job run the same functions, one on a synthetic history, one on the orders).

An order is a `Basket`: its customer, when it was placed (local time: weekday and hour) and the
distinct dishes in it. Three scores come out of a history of baskets:

- **Pairs well with** (`pair_scores`): for dishes a and b, how much more often b is in an order
  with a than chance says. Chance is `E = n(a)·n(b)/N` co-occurrences; the score is the lift
  shrunk towards 1 by `k` pseudo-orders, `(n(a,b) + k) / (E + k)`, kept as its logarithm.
  Water goes with everything, so its lift with anything is about 1 (score about 0) however
  often it is ordered; a pair seen once among rare dishes has E near 0 and stays near 1 too
  (shrinkage), so neither dominates. Only pairs seen at least `min_support` times and scoring
  above 0 are kept, the best `top` for each dish.
- **Popular now** (`popularity_scores`): each dish's share of the orders in a time slot
  (weekday × part of the day, the part of the day on any weekday, and all orders), each order
  weighted by its age with a half-life, so what sells at breakfast on a Saturday lately comes
  first then. `popular_now` blends the three shares so a quiet slot falls back on the others.
- **Your usuals** (`usual_scores`): the dishes of one customer's orders, each order weighted by
  its age, and the last order's dishes lifted (people reorder what they had last).

A cart gets the sum of its dishes' pair scores (`cart_pair_scores`), ties and the rest broken by
popular now.
"""

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

# Parts of the day, by local hour: (name, first hour, last hour + 1). Night wraps past midnight.
DAYPARTS = (
    ("breakfast", 5, 11),
    ("lunch", 11, 15),
    ("afternoon", 15, 17),
    ("dinner", 17, 22),
    ("night", 22, 29),
)
ANY = -1  # a slot's weekday or daypart when it covers them all

PAIR_SHRINKAGE = 5.0
PAIR_MIN_SUPPORT = 3
PAIRS_KEPT = 20
POPULARITY_HALF_LIFE_DAYS = 28.0
USUALS_HALF_LIFE_DAYS = 60.0
LAST_ORDER_BONUS = 1.0
# How much a customer's own history counts against popularity now (evaluated: 0.5-1 is best).
USUALS_WEIGHT = 0.75
# How popular now blends a dish's share of its (weekday, daypart), (any day, daypart) and all.
SLOT_WEIGHTS = (0.5, 0.35, 0.15)


def daypart_of(hour: int) -> int:
    """The index in DAYPARTS of a local hour (0-23)."""
    for index, (_name, first, last) in enumerate(DAYPARTS):
        if first <= hour < last or first <= hour + 24 < last:
            return index
    raise ValueError(f"hour {hour} is in no part of the day")


@dataclass(frozen=True)
class Basket:
    customer: int | None
    at: datetime  # local time (the restaurant's time zone)
    items: tuple[int, ...]  # distinct dish ids

    @property
    def weekday(self) -> int:
        return self.at.weekday()

    @property
    def daypart(self) -> int:
        return daypart_of(self.at.hour)


def _age_weight(at: datetime, now: datetime, half_life_days: float) -> float:
    age_days = max((now - at).total_seconds() / 86400, 0.0)
    return 0.5 ** (age_days / half_life_days)


def pair_scores(
    baskets: Iterable[Basket],
    *,
    shrinkage: float = PAIR_SHRINKAGE,
    min_support: int = PAIR_MIN_SUPPORT,
    top: int = PAIRS_KEPT,
) -> dict[int, list[tuple[int, float, int]]]:
    """For each dish, its best partners: `[(other dish, score, orders with both), ...]`, best
    first. Score: log of the shrunk lift (see the module)."""
    singles: Counter[int] = Counter()
    together: Counter[tuple[int, int]] = Counter()
    orders = 0
    for basket in baskets:
        orders += 1
        items = sorted(set(basket.items))
        singles.update(items)
        together.update(combinations(items, 2))
    best: dict[int, list[tuple[int, float, int]]] = defaultdict(list)
    for (a, b), both in together.items():
        if both < min_support:
            continue
        expected = singles[a] * singles[b] / orders
        score = math.log((both + shrinkage) / (expected + shrinkage))
        if score <= 0:
            continue
        best[a].append((b, score, both))
        best[b].append((a, score, both))
    return {item: sorted(partners, key=lambda p: (-p[1], p[0]))[:top] for item, partners in best.items()}


def popularity_scores(
    baskets: Iterable[Basket], *, now: datetime, half_life_days: float = POPULARITY_HALF_LIFE_DAYS
) -> dict[tuple[int, int], dict[int, float]]:
    """Each dish's share of the (age-weighted) orders of each slot `(weekday, daypart)`, where
    either may be ANY. Shares in a slot add up to at most 1 per dish an order has."""
    weight_in: dict[tuple[int, int], float] = defaultdict(float)
    dish_in: dict[tuple[int, int], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for basket in baskets:
        weight = _age_weight(basket.at, now, half_life_days)
        for slot in ((basket.weekday, basket.daypart), (ANY, basket.daypart), (ANY, ANY)):
            weight_in[slot] += weight
            for item in set(basket.items):
                dish_in[slot][item] += weight
    return {
        slot: {item: value / weight_in[slot] for item, value in dishes.items()}
        for slot, dishes in dish_in.items()
        if weight_in[slot] > 0
    }


def popular_now(slots: dict[tuple[int, int], dict[int, float]], *, weekday: int, daypart: int) -> dict[int, float]:
    """Popular now at (weekday, daypart): the blend of the three slots' shares."""
    blended: dict[int, float] = defaultdict(float)
    for weight, slot in zip(SLOT_WEIGHTS, ((weekday, daypart), (ANY, daypart), (ANY, ANY)), strict=True):
        for item, share in slots.get(slot, {}).items():
            blended[item] += weight * share
    return dict(blended)


def usual_scores(
    history: Sequence[Basket], *, now: datetime, half_life_days: float = USUALS_HALF_LIFE_DAYS
) -> dict[int, float]:
    """One customer's dishes by how often and how lately they had them (see the module)."""
    scores: dict[int, float] = defaultdict(float)
    if not history:
        return {}
    for basket in history:
        weight = _age_weight(basket.at, now, half_life_days)
        for item in set(basket.items):
            scores[item] += weight
    last = max(history, key=lambda basket: basket.at)
    for item in set(last.items):
        scores[item] += LAST_ORDER_BONUS
    return dict(scores)


def cart_pair_scores(pairs: dict[int, list[tuple[int, float, int]]], cart: Iterable[int]) -> dict[int, float]:
    """What goes with the whole cart: each candidate's pair scores summed over the cart's dishes."""
    scores: dict[int, float] = defaultdict(float)
    for item in set(cart):
        for other, score, _both in pairs.get(item, ()):
            scores[other] += score
    return dict(scores)


def with_popularity(evidence: dict[int, float], popularity: dict[int, float], weight: float = 1.0) -> dict[int, float]:
    """How likely each dish is to be chosen now: its popularity now, raised by the evidence, as
    logarithms (`log P(b) + weight × evidence(b)`). For a cart the evidence is the summed log
    lifts with the cart's dishes (weight 1: popularity times lift): water, popular and lifted by
    nothing, keeps its place by popularity; a planted partner (lift ≥ 3) passes dishes up to
    three times as popular. For usuals it is the customer's own scores (USUALS_WEIGHT)."""
    floor = min(popularity.values(), default=1.0) / 10 or 1e-9
    dishes = {*evidence, *popularity}
    return {item: math.log(popularity.get(item, 0.0) or floor) + weight * evidence.get(item, 0.0) for item in dishes}


def ranked(
    scores: dict[int, float],
    *,
    limit: int,
    exclude: Iterable[int] = (),
    fallback: dict[int, float] | None = None,
    allowed: set[int] | None = None,
) -> list[int]:
    """The `limit` best dish ids by score, then by `fallback` (popularity) for ties and to fill
    the list; never one in `exclude`, only ones in `allowed` (when given)."""
    excluded = set(exclude)
    fallback = fallback or {}
    candidates = (set(scores) | set(fallback)) - excluded
    if allowed is not None:
        candidates &= allowed
    order = sorted(candidates, key=lambda item: (-scores.get(item, 0.0), -fallback.get(item, 0.0), item))
    return order[:limit]


def random_ranking(candidates: Sequence[int], *, limit: int, exclude: Iterable[int], rng: random.Random) -> list[int]:
    """The random baseline: `limit` dishes drawn without replacement, never an excluded one."""
    excluded = set(exclude)
    pool = [item for item in candidates if item not in excluded]
    return rng.sample(pool, min(limit, len(pool)))
