from django_tasks import task

from .rollup import report_days_settle


@task()
def report_days_store() -> int:
    return sum(report_days_settle().values())
