"""Refusals every domain app shares: shown to people as a 4xx or a form error, never a 500.

A service raises them; the API toolkit (``api.errors``), the admin and the forms turn them into answers.
"""

from django.core.exceptions import ValidationError


class RegisterError(ValidationError):
    """A write refused for a reason the user can act on (shown as a 4xx / form error)."""


class ConflictError(RegisterError):
    """The record changed since the caller read it (stale version / ETag)."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message, code="conflict")
        self.current_version = current_version


class TopologyError(RegisterError):
    """The result would overlap land already held or recorded, or is not one connected shape."""

    def __init__(self, message: str, *, conflicts: list[dict] | None = None):
        super().__init__(message, code="topology")
        self.conflicts = conflicts or []


class PermissionRefused(RegisterError):
    """The person may not do this here: their roles in that municipality lack the permission (403)."""

    def __init__(self, message: str, *, permission: str):
        super().__init__(message, code="forbidden")
        self.permission = permission
