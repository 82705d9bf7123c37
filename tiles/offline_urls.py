from django.urls import path

from tiles import offline_api

urlpatterns = [
    path("", offline_api.OfflinePackageListApi.as_view(), name="offline-packages"),
    path("<int:pk>/", offline_api.OfflinePackageDetailApi.as_view(), name="offline-package"),
    path("<int:pk>/download/", offline_api.OfflinePackageDownloadApi.as_view(), name="offline-package-download"),
]
