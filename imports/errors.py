"""The one error an import raises for input it refuses: it says what and where."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.exceptions import ValidationError


class ImportRefused(ValidationError):
    """Input that cannot be imported as given. ``details`` carries machine-readable context
    (e.g. the CRS candidates to choose from)."""

    def __init__(self, message: str, *, code: str, details: dict | None = None):
        super().__init__(message, code=code)
        self.details = details or {}


_PATH = re.compile(r"(?<![\w.])(?:/[^/\s:'\"]+)+/?")


def gdal_message(exc: Exception, path: Path | None = None) -> str:
    """GDAL's message without the server's paths (a file is named by its name) and at most 300 characters."""
    text = str(exc)
    if path is not None:
        text = text.replace(str(path), path.name).replace(str(path.parent), "")
    return _PATH.sub(lambda m: Path(m.group(0)).name, text)[:300]
