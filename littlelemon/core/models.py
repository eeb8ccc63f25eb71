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
    the rows behind them change: `cart:<user id>`, `orders:<user id>`, `orders`, `user:<user id>`,
    `people`, `roles`, `bookings`, `restaurant`, `epoch` (migration core 0001 lists every table).

    Responses cached per user (a cart, an order list) and the public availability remember the
    stamps they were rendered at and are served only while the stamps read for the request are
    the same (littlelemon/core/stamps.py, littlelemon/api/response_cache.py). Triggers, so that
    every write path changes them: services, the admin, `QuerySet.update()`, bulk loads, SQL.
    Stamps are random, not counters, so a re-created row never brings an old value back.
    """

    name = models.CharField(max_length=64, primary_key=True)
    stamp = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.name} {self.stamp}"
