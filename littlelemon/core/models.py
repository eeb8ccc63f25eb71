from django.db import models

MAX_ID = 2**63 - 1  # ids are 64-bit: a larger number is "no such row" (a 400 or 404), not a database error


class TimeStampedModel(models.Model):
    """Base model: when a row was created and last changed."""

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class DataVersion(models.Model):
    """Named version stamps that database triggers change, in the writing transaction, whenever
    the rows behind them change: `menu`, `cart:<user id>`, `orders:<user id>`, `orders`,
    `user:<user id>`, `people`, `roles`, `bookings`, `restaurant`, `epoch` (the SPECS of core
    migrations 0001 and 0003 list every table and the names it bumps).

    ETags are built from them (littlelemon/core/conditional.py): a repeat read whose stamps are
    unchanged is a 304. Triggers, so that every write path changes them: services, the admin,
    `QuerySet.update()`, bulk loads, SQL. Stamps are random, not counters, so a re-created row
    never brings an old value back.
    """

    name = models.CharField(max_length=64, primary_key=True)
    stamp = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.name} {self.stamp}"


class PeriodicJob(models.Model):
    """When the scheduler last enqueued a periodic job (core/periodic.py). One row per job; the
    conditional UPDATE on it is what lets many workers tick at once and enqueue a job once."""

    name = models.CharField(max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.last_enqueued_at:%Y-%m-%d %H:%M}"
