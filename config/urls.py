from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

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
    path("metrics", observability_views.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("littlelemon.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", redoc, name="api-redoc"),
    # The customer site: `/` is its home page. Django's default handler404/handler500 render
    # templates/404.html and templates/500.html (the 500 page reads no database).
    path("", include("littlelemon.web.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "littlelemon.api.views.page_not_found"
handler500 = "littlelemon.api.views.server_error"
