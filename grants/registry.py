"""What land grants declare to the house when they start: the case type, notification templates, map layers
and jobs."""

from __future__ import annotations


def register_all() -> None:
    from grants import case_types, layers, notify, tasks  # noqa: F401  (tasks: the batch announcements)

    case_types.register()
    notify.register()
    layers.register()
