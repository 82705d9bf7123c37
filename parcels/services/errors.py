from django.core.exceptions import ValidationError


class RegisterError(ValidationError):
    """A write refused for a reason the user can act on (shown as a 4xx / form error)."""


class TopologyError(RegisterError):
    """The result would overlap current parcels, or is not one connected shape."""

    def __init__(self, message: str, *, conflicts: list[dict] | None = None):
        super().__init__(message, code="topology")
        self.conflicts = conflicts or []


class ConflictError(RegisterError):
    """The record changed since the caller read it (stale version / ETag)."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message, code="conflict")
        self.current_version = current_version
