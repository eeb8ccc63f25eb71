from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings


class RecommendationsConfig(AppConfig):
    name = "littlelemon.recommendations"
    label = "recommendations"
    verbose_name = "Recommendations"

    def ready(self) -> None:
        from littlelemon.core.periodic import periodic_register

        from .tasks import recommendations_refresh

        # Checks every few minutes whether a recomputation is due (nightly, or after
        # RECOMMENDATIONS_RECOMPUTE_AFTER_ORDERS new orders); recomputes only then.
        periodic_register(recommendations_refresh, every=timedelta(minutes=settings.RECOMMENDATIONS_CHECK_MINUTES))
