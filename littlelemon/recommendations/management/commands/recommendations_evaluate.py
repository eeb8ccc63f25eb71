"""`manage.py recommendations_evaluate`: the recommender against global popularity and random,
on a synthetic history with planted structure (recommendations/synthetic.py) or on this
database's orders (`--source orders`, e.g. the demo's), split by time (recommendations/evaluation.py).

Prints the figures, each method's HitRate@5 as a multiple of popularity's, the goals (cart
completion ≥ 2×, personal ≥ 1.5× popularity; judged on the synthetic history) and how long
scoring a history of `--time-orders` orders takes (the nightly job's arithmetic; the job also
reads the orders and writes the scores: bench/recommendations.py times the whole job on the
benchmark dataset's 200,000 orders).
"""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from littlelemon.menu.models import MenuItem
from littlelemon.recommendations import evaluation, scoring, synthetic
from littlelemon.recommendations.services import baskets_from_orders

GOALS = {"cart completion": 2.0, "personal": 1.5}


class Command(BaseCommand):
    help = "Evaluate the recommender offline (HitRate@5, MRR@5, coverage) against popularity and random baselines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", choices=("synthetic", "orders"), default="synthetic")
        parser.add_argument("--dishes", type=int, default=60)
        parser.add_argument("--customers", type=int, default=2000)
        parser.add_argument("--orders", type=int, default=50_000)
        parser.add_argument("--days", type=int, default=180)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--limit", type=int, default=5, help="k of HitRate@k and MRR@k (default 5).")
        parser.add_argument(
            "--time-orders", type=int, default=200_000, help="Time scoring a synthetic history this long (0: skip)."
        )

    def handle(self, *args, source: str, limit: int, time_orders: int, **options) -> None:
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        if source == "synthetic":
            if options["dishes"] < 30 or options["orders"] < 100 or options["customers"] < 1:
                raise CommandError("The synthetic history needs at least 30 dishes, 100 orders and 1 customer.")
            history = synthetic.history_generate(
                dishes=options["dishes"],
                customers=options["customers"],
                orders=options["orders"],
                days=options["days"],
                seed=options["seed"],
            )
            baskets, dishes = history.baskets, history.dishes
            self.stdout.write(
                f"Synthetic history: {len(dishes)} dishes, {options['customers']} customers, {len(baskets)} orders "
                f"over {options['days']} days; {len(history.pairs)} planted pairs, {len(history.habits)} customers "
                "with a habit (see littlelemon/recommendations/synthetic.py)."
            )
        else:
            baskets = list(baskets_from_orders())
            dishes = list(MenuItem.objects.values_list("pk", flat=True))
            if len(baskets) < 10:
                raise CommandError(f"This database has {len(baskets)} orders: too few to split and evaluate.")
            self.stdout.write(f"This database's orders: {len(baskets)} orders, {len(dishes)} dishes.")
        split_at = evaluation.split_point(baskets)
        self.stdout.write(f"Trained on the orders before {split_at:%Y-%m-%d %H:%M}, evaluated on the later ones.\n")
        figures = evaluation.evaluate(baskets, dishes=dishes, limit=limit, split_at=split_at)
        self.stdout.write(evaluation.figures_table(figures, limit=limit))
        self.stdout.write("")
        self._goals(figures, judged=source == "synthetic")
        if time_orders:
            self._time(time_orders)

    def _goals(self, figures: list[evaluation.Figures], *, judged: bool) -> None:
        hit_rate = {(f.task, f.method): f.hit_rate for f in figures}
        for task, goal in GOALS.items():
            baseline = hit_rate[task, "popularity"]
            ratio = hit_rate[task, "recommender"] / baseline if baseline else float("inf")
            verdict = (
                ("met" if ratio >= goal else "MISSED") if judged else "(the goal is judged on the synthetic history)"
            )
            self.stdout.write(f"Goal: {task} HitRate ≥ {goal}× popularity: {ratio:.2f}× {verdict}")

    def _time(self, orders: int) -> None:
        history = synthetic.history_generate(orders=orders, customers=max(2000, orders // 25), seed=1)
        started = time.perf_counter()
        pairs = scoring.pair_scores(history.baskets)
        slots = scoring.popularity_scores(history.baskets, now=history.baskets[-1].at)
        seconds = time.perf_counter() - started
        rows = sum(map(len, pairs.values())) + sum(map(len, slots.values()))
        self.stdout.write(
            f"Scoring {orders:,} orders: {seconds:.1f} s ({rows:,} score rows; goal: the whole recomputation "
            "under 60 s, see bench/recommendations.py)."
        )
