from django.db import models

from littlelemon.core.models import TimeStampedModel
from littlelemon.menu.models import Category

MAX_NAME_LENGTH = 60


class Station(TimeStampedModel):
    """A place in the kitchen (grill, cold, bar) that makes the dishes of some menu categories.

    A kitchen screen set to a station shows only those dishes of each order; a bump there still
    moves the whole order. Written only by `kitchen.services`.
    """

    name = models.CharField(max_length=MAX_NAME_LENGTH, unique=True)
    categories = models.ManyToManyField(Category, related_name="stations")
    position = models.PositiveIntegerField(default=0, help_text="Lower comes first in the station picker.")

    class Meta:
        ordering = ["position", "name", "id"]

    def __str__(self) -> str:
        return self.name
