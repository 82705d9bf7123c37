"""Offline packages for inspectors under /api/v1/offline-packages/ (``TilesConfig.api_urls``)."""

from django.urls import path

from tiles import offline_api, offline_day

urlpatterns = [
    path("offline/day", offline_day.OfflineDayApi.as_view(), name="offline-day"),
    path("offline-packages/", offline_api.OfflinePackageListApi.as_view(), name="offline-packages"),
    path("offline-packages/<int:pk>/", offline_api.OfflinePackageDetailApi.as_view(), name="offline-package"),
    path("offline-packages/<int:pk>/download/", offline_api.OfflinePackageDownloadApi.as_view(),
         name="offline-package-download"),
]
