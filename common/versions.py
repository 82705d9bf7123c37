"""Optimistic concurrency: a record's ``version`` (``common.models.Tracked``) is its ETag; services bump it."""

from django.db import models
from django.utils.translation import gettext as _

from common.errors import ConflictError


def check_version(instance: models.Model, expected_version: int | None) -> None:
    """Refuse a write made over a version the caller did not read (``ConflictError``: 412 / a form error)."""
    if expected_version is not None and expected_version != instance.version:
        raise ConflictError(
            _("This record was changed by someone else (version %(current)d, you edited %(yours)d). Reload it.")
            % {"current": instance.version, "yours": expected_version},
            current_version=instance.version,
        )
