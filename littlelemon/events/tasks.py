from django_tasks import task

from .relay import events_purge, relay_run


@task()
def relay_outbox() -> dict:
    report = relay_run(budget_seconds=50)
    return {"routed": report.routed, "delivered": report.delivered, "failed": report.failed, "dead": report.dead}


@task()
def outbox_purge() -> int:
    return events_purge()
