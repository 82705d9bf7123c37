"""What the permits app declares to the house when it starts: case types, notification templates, map layers and
the queue's periodic job."""

from __future__ import annotations


def register_all() -> None:
    from permits import case_types, complaint_requests, layers, notify, tasks  # noqa: F401  (tasks: periodic job)

    case_types.register()
    complaint_requests.register()
    notify.register()
    layers.register()
