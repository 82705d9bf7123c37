"""What the permits app declares to the house when it starts: case types, notification templates, map layers.
Each part is added by the module that owns it (kept in one list so the order is plain)."""

from __future__ import annotations

import importlib

PARTS = (
    "permits.case_types",
    "permits.notify",
    "permits.layers",
)


def register_all() -> None:
    for name in PARTS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a part not written yet
            if exc.name != name:
                raise
            continue
        module.register()
