"""`manage.py reports_rollup --since YYYY-MM-DD [--until YYYY-MM-DD] [--rebuild]`: store the
reports' settled days of a range (reports/rollup.py), for operators: after loading old orders,
or to redo days (`--rebuild`) after a correction made outside the services (the admin, SQL).
Days after the day before yesterday are never stored; `--until` defaults to that day."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from littlelemon.reports.rollup import last_settled_day, report_days_build


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"'{value}' is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Store the reports' daily figures (the roll-up) for the settled days of a range."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", required=True, help="First day (YYYY-MM-DD, the restaurant's zone).")
        parser.add_argument("--until", help="Last day (default: the day before yesterday, the last settled day).")
        parser.add_argument("--rebuild", action="store_true", help="Recompute the days already stored too.")

    def handle(self, *args, since: str, until: str | None, rebuild: bool, **options) -> None:
        first = _date(since)
        last = _date(until) if until else last_settled_day()
        if until and last < first:
            raise CommandError("--until is before --since.")
        settled = min(last, last_settled_day())
        if settled < first:
            raise CommandError(f"No settled day in that range: the last one is {last_settled_day()}.")
        stored = report_days_build(since=first, until=last, rebuild=rebuild)
        self.stdout.write(
            f"{first} to {settled}: " + ", ".join(f"{report} {count} days stored" for report, count in stored.items())
        )
