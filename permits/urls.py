"""The permits' API under /api/v1/ (api/urls.py includes this module: PermitsConfig.api_urls)."""

from django.urls import path

from permits import apis, export

urlpatterns = [
    path("permits/precheck", apis.PrecheckApi.as_view(), name="permits-precheck"),
    path("permits/parcels/<int:pk>/site", apis.SiteApi.as_view(), name="permits-site"),
    path("permits/open-data.csv", export.open_data_csv, name="permits-open-data"),
]
