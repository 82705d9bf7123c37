"""Payments' routes under /api/v1/ (api/urls.py includes this module: PaymentsConfig.api_urls)."""

from django.urls import path

from payments import apis

urlpatterns = [
    path("payments/sadad/notifications", apis.SadadNotificationApi.as_view(), name="sadad-notifications"),
    path("my/bills/", apis.MyBillListApi.as_view(), name="my-bills"),
    path("my/bills/<int:pk>/", apis.MyBillApi.as_view(), name="my-bill"),
    path("cases/<int:pk>/bills/", apis.CaseBillsApi.as_view(), name="case-bills"),
]
