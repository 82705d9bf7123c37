"""Whether an issued document holds today: valid, expired (past its validity) or revoked."""

from __future__ import annotations

from datetime import date


def status_of(doc, today: date) -> str:
    if doc.revoked_at is not None:
        return "revoked"
    if doc.valid_until is not None and doc.valid_until < today:
        return "expired"
    return "valid"
