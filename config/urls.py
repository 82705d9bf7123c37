from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

# A statement cancelled by the request timeout in a middleware is a 503 too (runtime/statement_timeout.py).
handler500 = "runtime.statement_timeout.server_error"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/geo/", include("geo.admin_urls")),
    path("admin/", admin.site.urls),
    # --- API and OGC API Features (issue 5)
    path("api/v1/", include("api.urls")),  # every app's own API (its AppConfig.api_urls)
    path("api/auth/", include("rest_framework.urls")),  # session sign-in for people (browsable API)
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("ogc/", include("ogc.urls")),
    # --- map tiles (tiles/)
    path("tiles/", include("tiles.urls")),
    path("mapproxy/", include("tiles.mapproxy_urls")),
    path("outbox/", include("notifications.urls")),  # staff: the messages sent (notifications/)
    path("verify/", include("cases.documents.urls")),  # public: is an issued document valid (cases/documents/)
    path("surveys/", include("surveys.page_urls")),  # the survey panel's forms on the inbox's case page
    path("finance/reconciliation/", include("web.finance.reconciliation_urls")),  # SADAD's daily files (payments)
    path("finance/", include("web.finance.urls")),  # finance officers: bills, revenue, unpaid map (docs/finance.md)
    path("permits/", include("web.permits.urls")),  # building permits: drawing and check, what-if (docs/permits.md)
    path("inspect/", include("web.inspect.urls")),  # the inspectors' offline app (docs/inspections.md)
    path("grants/", include("web.grants.urls")),  # public: land-grant lotteries, their map and the inquiry
    path("investment/", include("web.investment.urls")),  # public: investment opportunities (docs/investment.md)
    path("portal/", include("portal.urls")),  # citizens and businesses: e-services, complaints (docs/portal.md)
    path("open311/v2/", include("complaints.open311_urls")),  # Open311 GeoReport v2 over the complaints
    # ---
    path("", include("web.urls")),
]
