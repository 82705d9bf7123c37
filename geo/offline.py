"""The offline registry: what each process adds to an inspector's offline day, beside the map tiles that
``tiles/`` packs (like ``geo.layers`` for map layers). ``tiles`` serves and packs the parts; it never imports the
processes that register them (licensing contributes the day's visits and checklists).

A part's ``build(user=..., municipality=..., day=..., district=None)`` returns a JSON-able dict; when it holds a
``"bbox"`` ([xmin, ymin, xmax, ymax] lon/lat), the day's map covers it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OfflinePart:
    key: str  # e.g. "licensing.visits"
    build: Callable[..., dict]
    # Who gets it: a permission code of accounts.permissions (None: every member of the municipality).
    permission: str | None = None


_PARTS: dict[str, OfflinePart] = {}


def register(part: OfflinePart) -> OfflinePart:
    _PARTS[part.key] = part
    return part


def unregister(key: str) -> None:
    _PARTS.pop(key, None)


def parts() -> list[OfflinePart]:
    return sorted(_PARTS.values(), key=lambda p: p.key)
