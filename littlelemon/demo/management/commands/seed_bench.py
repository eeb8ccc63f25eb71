"""`manage.py seed_bench --scale N`: the deterministic benchmark dataset (see bench/datasets/).

Empties the tables the dataset parts own (restarting their id sequences) and refills them, so
running it twice gives the same database. It refuses to touch a database holding users it did
not make (usernames not starting with `bench-`) unless given `--force`: never point it at a
real restaurant.
"""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, transaction

from bench.datasets import Dataset, dataset_parts
from littlelemon.accounts.models import User

BENCH_USERNAME_PREFIX = "bench-"
SEED = 6  # the default: the benchmark's checks rebuild what a part made from it


class Command(BaseCommand):
    help = "Build the benchmark dataset: scale 1 = 10 categories, 500 dishes, 1,000 customers (+ other apps' parts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="Multiplies every count (default 1).")
        parser.add_argument("--seed", type=int, default=SEED, help="Random seed (default 6): same seed, same rows.")
        parser.add_argument("--force", action="store_true", help="Empty the tables even if they hold other users.")

    def handle(self, *args, scale: int, seed: int, force: bool, **options) -> None:
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        if not force and User.objects.exclude(username__startswith=BENCH_USERNAME_PREFIX).exists():
            raise CommandError(
                "This database holds users seed_bench did not make: it empties the tables it fills, so it "
                "refuses to run here. Use a dedicated database (make bench does), or --force."
            )
        parts = dataset_parts()
        started = time.monotonic()
        self._empty([model for part in parts for model in part.model_classes()])
        dataset = Dataset(scale=scale, seed=seed)
        with transaction.atomic():
            for part in parts:
                dataset.rng.seed(f"{seed}:{part.name}")
                part_started = time.monotonic()
                part.seed(dataset)
                counts = ", ".join(
                    f"{model.objects.count()} {model._meta.verbose_name_plural}" for model in part.model_classes()
                )
                self.stdout.write(f"  {part.name:<10} {counts} ({time.monotonic() - part_started:.1f}s)")
        if connection.vendor == "postgresql":
            # Autovacuum would analyse the new rows within a minute; the benchmark starts now.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(f"Benchmark dataset at scale {scale} ready in {time.monotonic() - started:.1f}s.")
        )

    def _empty(self, models: list) -> None:
        """Empty the parts' tables (and, by cascade, what references them) and restart their ids."""
        tables = [model._meta.db_table for model in models]
        sql = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # TRUNCATE refuses tables with deferred foreign-key checks pending in the same
            # transaction (the caller's inserts): run those checks now.
            sql.insert(0, "SET CONSTRAINTS ALL IMMEDIATE;")
        connection.ops.execute_sql_flush(sql)
