from django_tasks import task

from .reminders import booking_reminders_send


@task()
def booking_reminders() -> int:
    return len(booking_reminders_send())
