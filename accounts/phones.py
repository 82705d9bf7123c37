"""Saudi mobile numbers as parties store them (+9665XXXXXXXX, the ``accounts_party_mobile_format`` constraint)."""

from __future__ import annotations

import re


def normalised_mobile(value: str) -> str | None:
    """+9665XXXXXXXX from 05XXXXXXXX, 5XXXXXXXX, 9665…, +9665… (spaces, dashes, brackets ignored), else None."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    found = re.fullmatch(r"(?:\+?966|0)?(5[0-9]{8})", digits)
    return f"+966{found.group(1)}" if found else None
