"""Each rule's explanation in Arabic and English, with its figures (the msgids go through the .po)."""

from __future__ import annotations

from django.utils import translation


def both(render) -> tuple[str, str]:
    """``render()`` (which calls gettext) once in Arabic and once in English."""
    with translation.override("ar"):
        ar = str(render())
    with translation.override("en"):
        en = str(render())
    return ar, en


def fig(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return str(value)
