from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/geo/", include("geo.urls")),
    path("admin/", admin.site.urls),
    # --- map tiles (tiles/)
    path("tiles/", include("tiles.urls")),
    path("mapproxy/", include("tiles.mapproxy_urls")),
    # ---
    path("", include("web.urls")),
]
