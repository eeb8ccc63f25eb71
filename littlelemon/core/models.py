from django.db import models

MAX_ID = 2**63 - 1  # ids are 64-bit: a larger number is "no such row" (a 400 or 404), not a database error


class TimeStampedModel(models.Model):
    """Base model: when a row was created and last changed."""

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
