"""A synthetic order history with planted structure, for the offline evaluation.

What is planted (the defaults; every figure is a parameter of `history_generate`):

- **60 dishes**: 10 breakfast dishes ordered only from 6:00 to 10:59, 10 dinner dishes only
  from 17:00 to 21:59, 40 all-day dishes. Popularity within each group follows Zipf's law (the
  first dishes of a group sell most), and dish 21 ("water") is added to 10% of all orders
  whatever else is in them: an everything-goes-with-it dish a recommender must not push as a
  partner of anything.
- **15 planted pairs** (a, b) among all-day and breakfast dishes: when one of them is in an
  order, the other is added with probability `pair_probability` (0.6), which makes their lift
  ≥ 3 (the generator returns the pairs; a test checks the lift on the history).
- **2,000 customers**, order counts skewed (a few regulars order often); **30%** of them have a
  habit of 3 dishes, each put in their order with probability 0.7.
- **50,000 orders over 180 days**, their hour from a day's curve (a breakfast, a lunch and a
  dinner peak), 1 to 3 dishes drawn by time-appropriate popularity, and **20% of lines random**
  (any dish of the hour, uniformly).

Deterministic for a seed.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .scoring import Basket

BREAKFAST_HOURS = range(6, 11)
DINNER_HOURS = range(17, 22)
# Relative number of orders by local hour (0-23): breakfast, lunch and dinner peaks.
HOUR_CURVE = (0, 0, 0, 0, 0, 0, 2, 5, 6, 4, 2, 5, 9, 8, 3, 2, 3, 6, 10, 9, 6, 3, 1, 0)


@dataclass
class History:
    dishes: list[int]
    breakfast: list[int]
    dinner: list[int]
    all_day: list[int]
    water: int
    pairs: list[tuple[int, int]]
    habits: dict[int, tuple[int, ...]]
    baskets: list[Basket] = field(default_factory=list)


def _zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    return [1 / (rank + 1) ** exponent for rank in range(count)]


def history_generate(
    *,
    dishes: int = 60,
    customers: int = 2000,
    orders: int = 50_000,
    days: int = 180,
    planted_pairs: int = 15,
    pair_probability: float = 0.6,
    habit_share: float = 0.3,
    habit_size: int = 3,
    habit_probability: float = 0.7,
    random_share: float = 0.2,
    water_share: float = 0.1,
    end: datetime | None = None,
    seed: int = 7,
) -> History:
    """The history described in the module, as baskets in time order (local times)."""
    rng = random.Random(seed)  # noqa: S311 (a simulation, not a secret)
    ids = list(range(1, dishes + 1))
    breakfast, dinner, all_day = ids[:10], ids[10:20], ids[20:]
    water = all_day[0]
    pairable = [dish for dish in breakfast + all_day if dish != water]
    shuffled = rng.sample(pairable, 2 * planted_pairs)
    pairs = [(shuffled[2 * i], shuffled[2 * i + 1]) for i in range(planted_pairs)]
    partner = dict(pairs) | {b: a for a, b in pairs}
    people = list(range(1, customers + 1))
    habits = {customer: tuple(rng.sample(all_day[1:], habit_size)) for customer in people if rng.random() < habit_share}
    activity = _zipf_weights(customers, 0.6)
    weights = {
        "breakfast": _zipf_weights(len(breakfast)),
        "dinner": _zipf_weights(len(dinner)),
        "all_day": _zipf_weights(len(all_day)),
    }
    # Times are the restaurant's local times; UTC stands for that zone here (no DST jumps).
    end = end or datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    start = end - timedelta(days=days)
    hours = list(range(24))
    history = History(ids, breakfast, dinner, all_day, water, pairs, habits)
    moments = sorted(
        start.replace(hour=0, minute=0) + timedelta(days=rng.randrange(days), hours=h, minutes=rng.randrange(60))
        for h in rng.choices(hours, weights=HOUR_CURVE, k=orders)
    )
    buyers = rng.choices(people, weights=activity, k=orders)
    for at, customer in zip(moments, buyers, strict=True):
        served = list(all_day)
        served_weights = list(weights["all_day"])
        if at.hour in BREAKFAST_HOURS:
            served += breakfast
            served_weights += [w * 3 for w in weights["breakfast"]]
        if at.hour in DINNER_HOURS:
            served += dinner
            served_weights += [w * 3 for w in weights["dinner"]]
        items: list[int] = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            if rng.random() < random_share:
                items.append(rng.choice(served))
            else:
                items.append(rng.choices(served, weights=served_weights)[0])
        for dish in habits.get(customer, ()):
            if rng.random() < habit_probability:
                items.append(dish)
        for dish in list(items):
            if dish in partner and partner[dish] in served and rng.random() < pair_probability:
                items.append(partner[dish])
        if rng.random() < water_share:
            items.append(water)
        history.baskets.append(Basket(customer=customer, at=at, items=tuple(dict.fromkeys(items))))
    return history
