from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/geo/", include("geo.urls")),
    path("admin/", admin.site.urls),
    path("", include("web.urls")),
]

# --- Imports (issue 3)
urlpatterns.insert(0, path("api/v1/imports/", include("imports.urls")))
