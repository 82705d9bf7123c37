"""What investment declares to the house when it starts: case types, notification templates, map layers and the
queue's daily job."""

from __future__ import annotations


def register_all() -> None:
    from investment import case_types, layers, notify, tasks  # noqa: F401  (tasks: the daily job)

    case_types.register()
    notify.register()
    layers.register()
