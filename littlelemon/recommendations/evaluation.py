"""Offline evaluation: split a history by time, learn from the earlier orders, measure on the later.

- **Cart completion** (what "pairs well with" and "complete your meal" do): for each later order
  with two dishes or more, hide one (drawn with a seeded generator), recommend from the rest,
  and see whether the hidden dish is among the first `limit`.
- **Personal** (what "your usuals" does): for each customer whose last order is a later one,
  recommend from their orders before it; each dish of that last order is a case, a hit when it
  is among the first `limit`.

Each task is measured for the recommender and two baselines in the same run: global popularity
(the dishes most ordered in the training orders) and random. Figures: HitRate@k (share of cases
with a hit), MRR@k (mean of 1/rank of the first hit, 0 without one) and catalogue coverage (share
of the dishes recommended at least once).
"""

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from . import scoring
from .scoring import Basket

TRAIN_SHARE = 5 / 6  # 150 of 180 days


@dataclass(frozen=True)
class Figures:
    task: str
    method: str
    cases: int
    hit_rate: float
    mrr: float
    coverage: float


@dataclass
class _Tally:
    cases: int = 0
    hits: int = 0
    reciprocal: float = 0.0

    def __post_init__(self) -> None:
        self.seen: set[int] = set()

    def add(self, recommended: list[int], targets: set[int]) -> None:
        self.cases += 1
        self.seen.update(recommended)
        for rank, item in enumerate(recommended, start=1):
            if item in targets:
                self.hits += 1
                self.reciprocal += 1 / rank
                return

    def figures(self, task: str, method: str, dishes: int) -> Figures:
        cases = self.cases or 1
        return Figures(task, method, self.cases, self.hits / cases, self.reciprocal / cases, len(self.seen) / dishes)


def split_point(baskets: Sequence[Basket], train_share: float = TRAIN_SHARE) -> datetime:
    """The moment before which `train_share` of the (time-ordered) baskets were placed."""
    ordered = sorted(basket.at for basket in baskets)
    return ordered[min(int(len(ordered) * train_share), len(ordered) - 1)]


def evaluate(
    baskets: Sequence[Basket],
    *,
    dishes: Sequence[int],
    limit: int = 5,
    seed: int = 11,
    split_at: datetime | None = None,
) -> list[Figures]:
    """The figures of both tasks for the recommender and the baselines (see the module)."""
    split_at = split_at or split_point(baskets)
    train = [basket for basket in baskets if basket.at < split_at]
    test = [basket for basket in baskets if basket.at >= split_at]
    pairs = scoring.pair_scores(train)
    slots = scoring.popularity_scores(train, now=split_at)
    counts = Counter(item for basket in train for item in set(basket.items))
    global_popularity = {item: float(count) for item, count in counts.items()}
    rng = random.Random(seed)  # noqa: S311 (sampling for a measurement, not a secret)
    catalogue = list(dishes)

    def now_at(at: datetime) -> dict[int, float]:
        return scoring.popular_now(slots, weekday=at.weekday(), daypart=scoring.daypart_of(at.hour))

    methods: dict[str, Callable[[dict[int, float], datetime, list[int]], list[int]]] = {
        "recommender": lambda scores, at, cart: scoring.ranked(scores, limit=limit, exclude=cart, fallback=now_at(at)),
        "popularity": lambda scores, at, cart: scoring.ranked(
            {}, limit=limit, exclude=cart, fallback=global_popularity
        ),
        "random": lambda scores, at, cart: scoring.random_ranking(catalogue, limit=limit, exclude=cart, rng=rng),
    }
    tallies = {(task, method): _Tally() for task in ("cart completion", "personal") for method in methods}

    for basket in test:
        if len(basket.items) < 2:
            continue
        hidden = rng.choice(basket.items)
        cart = [item for item in basket.items if item != hidden]
        scores = scoring.with_popularity(scoring.cart_pair_scores(pairs, cart), now_at(basket.at))
        for method, recommend in methods.items():
            tallies["cart completion", method].add(recommend(scores, basket.at, cart), {hidden})

    by_customer: dict[int, list[Basket]] = {}
    for basket in baskets:
        if basket.customer is not None:
            by_customer.setdefault(basket.customer, []).append(basket)
    for orders in by_customer.values():
        orders.sort(key=lambda basket: basket.at)
        last, history = orders[-1], orders[:-1]
        if last.at < split_at or not history:
            continue
        scores = scoring.with_popularity(
            scoring.usual_scores(history, now=last.at), now_at(last.at), scoring.USUALS_WEIGHT
        )
        for method, recommend in methods.items():
            recommended = recommend(scores, last.at, [])
            for item in last.items:
                tallies["personal", method].add(recommended, {item})

    return [tally.figures(task, method, len(catalogue)) for (task, method), tally in tallies.items()]


def figures_table(figures: Sequence[Figures], *, limit: int = 5) -> str:
    """The figures as a text table, with each method's hit rate as a multiple of popularity's."""
    popularity = {f.task: f.hit_rate for f in figures if f.method == "popularity"}
    lines = [
        f"{'task':<16} {'method':<12} {'cases':>7} {f'HitRate@{limit}':>10} {f'MRR@{limit}':>7} "
        f"{'coverage':>9} {'× popularity':>13}"
    ]
    for f in figures:
        ratio = f.hit_rate / popularity[f.task] if popularity.get(f.task) else float("nan")
        lines.append(
            f"{f.task:<16} {f.method:<12} {f.cases:>7} {f.hit_rate:>10.3f} {f.mrr:>7.3f} "
            f"{f.coverage:>9.0%} {ratio:>12.2f}×"
        )
    return "\n".join(lines)
