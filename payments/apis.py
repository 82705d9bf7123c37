"""Payments under /api/v1/: SADAD's payment notifications, bills of a case (staff) and of mine (applicant)."""

from __future__ import annotations

from api.base import ApiBase, PersonApiBase  # noqa: F401  (the endpoints land with the services)
