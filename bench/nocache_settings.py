"""The product's production settings with no cache of any kind: the `nocache` server of the
benchmark (bench/scenarios/__init__.py), which measures what rendering costs on its own.

Every cache in CACHES but the throttles' store becomes Django's DummyCache (it keeps nothing),
so nothing the product would keep in Django's cache framework (public responses, say) is
kept; no proxy is in front of this server either. The throttle store stays as deployed:
throttling is on in every benchmark server.
"""

from config.settings.prod import *  # noqa: F403
from config.settings.prod import CACHES

CACHES = {
    alias: (config if alias == "throttle" else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"})
    for alias, config in CACHES.items()
}
