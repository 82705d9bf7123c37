"""What licensing declares to the house when it starts: case types, notification templates, map layers, the
offline day's part (tiles' offline registry) and the queue's daily job."""

from __future__ import annotations


def register_all() -> None:
    from licensing import case_types, complaint_requests, layers, notify, offline, tasks  # noqa: F401  (tasks)

    case_types.register()
    complaint_requests.register()
    notify.register()
    layers.register()
    offline.register()
