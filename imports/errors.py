"""The one error an import raises for input it refuses: it says what and where."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ImportRefused(ValidationError):
    """Input that cannot be imported as given. ``details`` carries machine-readable context
    (e.g. the CRS candidates to choose from)."""

    def __init__(self, message: str, *, code: str, details: dict | None = None):
        super().__init__(message, code=code)
        self.details = details or {}
