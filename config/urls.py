from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from littlelemon.accounts.ratelimit import login_limited
from littlelemon.api import views as api_views
from littlelemon.core import views as core_views
from littlelemon.observability import views as observability_views

# The documentation pages under the Content-Security-Policy: Swagger UI loads its start-up
# script as a file (the "split" view) and needs nothing more; Redoc injects its own <style>
# elements and runs its search in a worker made from a blob: URL.
redoc = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
    SpectacularRedocView.as_view(url_name="schema")
)

urlpatterns = [
    path("health", core_views.health, name="health"),
    path("ready", core_views.ready, name="ready"),
    # The admin's log-in page behind the limits every log-in shares (before the admin's own URL).
    path("admin/login/", login_limited(admin.site.login)),
    path("metrics", observability_views.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("littlelemon.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", redoc, name="api-redoc"),
    # Any other path under /api/: the API's JSON 404, with DEBUG on too (littlelemon.api.views).
    re_path(r"^api/", api_views.api_not_found),
    # The staff screens (kitchen display, orders board, deliveries) and their live updates.
    path("staff/", include("littlelemon.staff.urls")),
    path("live/", include("littlelemon.live.urls")),
    path("payments/", include("littlelemon.payments.urls")),  # Stripe's webhook
    # The customer site: `/` is its home page. Django's default handler404/handler500 render
    # templates/404.html and templates/500.html (the 500 page reads no database).
    path("", include("littlelemon.web.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "littlelemon.api.views.page_not_found"
handler500 = "littlelemon.api.views.server_error"
