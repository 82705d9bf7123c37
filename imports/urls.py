"""The import API under /api/v1/imports/ (``ImportsConfig.api_urls``)."""

from django.urls import include, path

from imports import apis

_routes = [
    path("", apis.ImportListView.as_view(), name="list"),
    path("<int:pk>/", apis.ImportDetailView.as_view(), name="detail"),
    path("<int:pk>/commit/", apis.ImportCommitView.as_view(), name="commit"),
]
urlpatterns = [
    path("imports/", include((_routes, "imports"))),
    # the planners' map's export of an analysis (docs/webmap.md)
    path("analysis/export/", apis.AnalysisExportApi.as_view(), name="analysis-export"),
]
