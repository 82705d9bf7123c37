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


class NotPermitted(RegisterError):
    """The person does not hold a role (or permission) this step needs (403)."""

    def __init__(self, message: str, *, needed: list[str] | None = None):
        super().__init__(message, code="forbidden")
        self.needed = needed or []


class TransitionError(RegisterError):
    """A workflow step that cannot be taken from the record's status now (409, listing the steps that can)."""

    def __init__(self, message: str, *, allowed: list[str]):
        super().__init__(message, code="transition")
        self.allowed = allowed


class GuardError(RegisterError):
    """A workflow step whose conditions do not hold (422), each reason in the reader's language."""

    def __init__(self, message: str, *, reasons: list[str]):
        super().__init__(message, code="guard")
        self.reasons = reasons


class DuplicateError(RegisterError):
    """The same thing is already open (a second objection to one decision): 409, naming the one that is."""

    def __init__(self, message: str, *, existing: str = ""):
        super().__init__(message, code="duplicate")
        self.existing = existing


class TooLate(RegisterError):
    """A period ran out (an objection after its days): 422, with the last day it could be done."""

    def __init__(self, message: str, *, ended: str):
        super().__init__(message, code="too_late")
        self.ended = ended
