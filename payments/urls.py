"""Payments' routes under /api/v1/ (api/urls.py includes this module: PaymentsConfig.api_urls)."""

urlpatterns: list = []
