"""The permits' API under /api/v1/permits/ (apis.py)."""

urlpatterns: list = []
