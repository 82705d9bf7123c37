"""A message in both languages at once: for what is stored or sent to a person whose language is not the
request's (bill lines, eligibility explanations, notifications)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation


def in_both(text_fn: Callable[[], str]) -> tuple[str, str]:
    """``text_fn`` called under Arabic, then English: ``(arabic, english)``."""
    with translation.override("ar"):
        ar = str(text_fn())
    with translation.override("en"):
        en = str(text_fn())
    return ar, en


def in_language(ar: str, en: str) -> str:
    """The one of a record's two texts for the request's language (Arabic unless English was asked for)."""
    return ar if (translation.get_language() or "ar").startswith("ar") else en
