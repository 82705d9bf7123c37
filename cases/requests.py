"""Requests one process makes of another through the backbone, without knowing it (decision 013): a complaint
about a shop's hygiene asks for an inspection visit; licensing, which owns visits, answers it. A process
registers a handler for a kind of request in its ``ready()``; the asker names the kind and its case."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from common.errors import RegisterError

_HANDLERS: dict[str, Callable[..., str]] = {}


def register_request_handler(kind: str, handler: Callable[..., str]) -> None:
    """``handler(case=..., actor=..., point=..., **data)`` does the work in the caller's transaction and returns a
    short description of what it did (shown on the asking case's timeline); it raises ``RegisterError`` when it
    cannot."""
    _HANDLERS[kind] = handler


def request_make(*, kind: str, case, actor, point=None, **data) -> str:
    handler = _HANDLERS.get(kind)
    if handler is None:
        raise RegisterError(_("No system here answers requests of this kind (%(kind)s).") % {"kind": kind},
                            code="no_handler")
    return handler(case=case, actor=actor, point=point, **data)
