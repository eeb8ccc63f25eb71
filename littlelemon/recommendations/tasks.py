from django_tasks import task

from .services import recommendations_due, recommendations_recompute


@task()
def recommendations_refresh() -> bool:
    """Recompute the recommendations when they are due (services.recommendations_due)."""
    if not recommendations_due():
        return False
    recommendations_recompute()
    return True
