"""The benchmark dataset: one part per app, each in its own module of this package.

`manage.py seed_bench --scale N` empties the tables the parts own and refills them
deterministically: every part draws from its own random generator, seeded with the run's seed
and the part's name, so adding a part (orders, bookings) never changes what the others make,
and the same scale always gives the same rows with the same primary keys (sequences are reset).

A part is a function registered with `@dataset_part(...)` in `bench/datasets/<app>.py`:

    @dataset_part("orders", models=("orders.Order", "orders.OrderItem"), after=("users", "menu"))
    def seed_orders(dataset: Dataset) -> None:
        customers = dataset.ids("users", "customers")
        items = dataset.ids("menu", "items")
        ...
        dataset.bulk_create(Order, orders)

Parts run after the parts named in `after`; they share what they made through
`dataset.publish()` / `dataset.ids()` (primary keys, not model instances, so nothing large is
held in memory) while seeding. The benchmark's scenarios run later, in another process: they
find what they need by the deterministic names and numbers the parts give (the customer
`bench-customer-00001`, the category `mains`), so a part should document those. Insert with
`dataset.bulk_create` (no per-row services: the services are what the benchmark measures, and
going through them would make scale 10 take minutes); it keeps the timestamps the part sets,
computed from `dataset.epoch` so that they too are the same every run.
"""

import importlib
import pkgutil
import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.apps import apps
from django.db import models

# "Now" for the dataset: timestamps are computed from it, so two runs make the same rows.
EPOCH = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


@dataclass
class Dataset:
    """What a part is given: the scale, its own random generator and what earlier parts published."""

    scale: int
    seed: int
    batch_size: int = 2000
    published: dict[tuple[str, str], Any] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)

    epoch: datetime = EPOCH

    def count(self, at_scale_1: int) -> int:
        """How many rows of something to make: `at_scale_1` times the scale."""
        return at_scale_1 * self.scale

    def publish(self, part: str, name: str, value: Any) -> None:
        self.published[(part, name)] = value

    def ids(self, part: str, name: str) -> Any:
        try:
            return self.published[(part, name)]
        except KeyError:
            raise KeyError(f"the {part!r} part published no {name!r}: is it listed in `after`?") from None

    def bulk_create(self, model: type[models.Model], objects: Iterable[models.Model]) -> list[models.Model]:
        """Insert in batches, keeping the timestamps the part set (auto_now/auto_now_add are
        switched off meanwhile, so `created` is the part's deterministic value, not the clock)."""
        with _explicit_timestamps(model):
            return model.objects.bulk_create(list(objects), batch_size=self.batch_size)


@contextmanager
def _explicit_timestamps(model: type[models.Model]) -> Iterator[None]:
    fields = [
        f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@dataclass(frozen=True)
class DatasetPart:
    name: str
    models: tuple[str, ...]
    seed: Callable[[Dataset], None]
    after: tuple[str, ...] = ()

    def model_classes(self) -> list[type]:
        return [apps.get_model(label) for label in self.models]


_PARTS: dict[str, DatasetPart] = {}


def dataset_part(
    name: str, *, models: tuple[str, ...], after: tuple[str, ...] = ()
) -> Callable[[Callable[[Dataset], None]], Callable[[Dataset], None]]:
    """Register `seed(dataset)` as the part `name`, which owns (empties and fills) `models`."""

    def register(seed: Callable[[Dataset], None]) -> Callable[[Dataset], None]:
        _PARTS[name] = DatasetPart(name=name, models=models, seed=seed, after=after)
        return seed

    return register


def part_modules_import() -> None:
    """Import every module of this package, so that each registers its part."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def dataset_parts() -> list[DatasetPart]:
    """Every registered part, each after the parts it needs (raises on an unknown or circular need)."""
    part_modules_import()
    ordered: list[DatasetPart] = []
    visiting: set[str] = set()

    def visit(name: str, needed_by: str | None) -> None:
        if any(part.name == name for part in ordered):
            return
        if name not in _PARTS:
            raise LookupError(f"dataset part {name!r} (needed by {needed_by!r}) is not registered")
        if name in visiting:
            raise LookupError(f"dataset parts need each other in a circle at {name!r}")
        visiting.add(name)
        for before in _PARTS[name].after:
            visit(before, name)
        visiting.discard(name)
        ordered.append(_PARTS[name])

    for name in sorted(_PARTS):
        visit(name, None)
    return ordered
