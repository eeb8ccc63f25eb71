from django.db import models


class ReportDay(models.Model):
    """One report's figures for one settled local day: the daily roll-up (reports/rollup.py).

    `rows` holds the day's figures in the shape the report's live query groups them (a list of
    rows, each a list: see `selectors.DAILY`), amounts as strings, so that summing the days
    gives exactly what the live query over the range gives. A day without a row is computed
    live; deleting a row is how a changed day is recomputed."""

    report = models.CharField(max_length=16)
    day = models.DateField()
    rows = models.JSONField(default=list)
    made_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "report"], name="reports_reportday_unique")]

    def __str__(self) -> str:
        return f"{self.report} {self.day}"
