"""Read settings from the environment, in one place.

Every variable the app reads goes through these helpers, so that ``READ`` lists
them all: the docker-compose test checks its variables against it. Values are
parsed strictly (no ``eval``); a malformed value stops start-up with a message
naming the variable.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

READ: dict[str, dict] = {}  # name -> {"kind": "str"|"int"|"bool"|"list", "required": bool}; for the compose test
_MISSING = object()


def _raw(name: str, kind: str, default):
    READ[name] = {"kind": kind, "required": default is _MISSING}
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        return None
    return value


def string(name: str, default: str | object = _MISSING) -> str:
    value = _raw(name, "str", default)
    return default if value is None else value


def integer(name: str, default: int | object = _MISSING) -> int:
    value = _raw(name, "int", default)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from None


def boolean(name: str, default: bool | object = _MISSING) -> bool:
    value = _raw(name, "bool", default)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}.")


def strings(name: str, default: list[str] | object = _MISSING) -> list[str]:
    value = _raw(name, "list", default)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]
