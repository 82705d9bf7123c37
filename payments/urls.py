"""Payments' routes under /api/v1/ (api/urls.py includes this module: PaymentsConfig.api_urls)."""

from django.urls import path

from payments import apis

urlpatterns = [
    path("payments/sadad/notifications", apis.SadadNotificationApi.as_view(), name="sadad-notifications"),
]
