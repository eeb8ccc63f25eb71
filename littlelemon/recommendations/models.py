"""What the recommender precomputed (services.recommendations_recompute writes them all at once),
so that a request reads a few rows: a dish's best partners and each dish's share of the orders of
each time slot. A customer's usuals are read from their own orders at request time.

Writes to the two tables bump the `recommendations` stamp (migration 0002), which the answers'
ETags are built from.
"""

from django.db import models

from littlelemon.menu.models import MenuItem

from .scoring import ANY, DAYPARTS


class ItemPair(models.Model):
    """`other` goes well with `item`: the log of their shrunk lift (scoring.pair_scores)."""

    item = models.ForeignKey(MenuItem, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(MenuItem, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    support = models.PositiveIntegerField(help_text="Orders with both dishes.")

    class Meta:
        ordering = ["item", "-score", "other"]
        constraints = [
            models.UniqueConstraint(fields=["item", "other"], name="recommendations_pair_unique"),
            models.CheckConstraint(condition=~models.Q(item=models.F("other")), name="recommendations_pair_distinct"),
        ]
        indexes = [models.Index(fields=["item", "-score"], name="recommendations_pair_item_idx")]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.other_id} ({self.score:.2f})"


class ItemPopularity(models.Model):
    """A dish's share of the (age-weighted) orders of a time slot: a weekday (0 = Monday) and a
    part of the day (scoring.DAYPARTS), either -1 for all of them."""

    WEEKDAYS = [(ANY, "any day"), *((day, name) for day, name in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")))]  # fmt: skip
    PARTS = [(ANY, "all day"), *((index, name) for index, (name, _, _) in enumerate(DAYPARTS))]

    item = models.ForeignKey(MenuItem, on_delete=models.CASCADE, related_name="+")
    weekday = models.SmallIntegerField(choices=WEEKDAYS)
    daypart = models.SmallIntegerField(choices=PARTS)
    share = models.FloatField()

    class Meta:
        ordering = ["weekday", "daypart", "-share"]
        constraints = [
            models.UniqueConstraint(fields=["weekday", "daypart", "item"], name="recommendations_popularity_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} at ({self.weekday}, {self.daypart}): {self.share:.3f}"


class RecommendationState(models.Model):
    """One row: when the scores were last computed, from how many orders, and how long it took."""

    computed_at = models.DateTimeField(null=True, blank=True)
    orders_seen = models.PositiveIntegerField(default=0, help_text="Orders in the history at the last computation.")
    last_order_id = models.BigIntegerField(default=0, help_text="The newest order the last computation saw.")
    seconds = models.FloatField(default=0.0, help_text="How long the last computation took.")

    class Meta:
        verbose_name = "recommendation state"

    def __str__(self) -> str:
        return f"computed {self.computed_at or 'never'} from {self.orders_seen} orders"
