"""What complaints declare to the house when they start: the case type, notification templates, the map layer."""

from __future__ import annotations


def register_all() -> None:
    from complaints import case_types, layers, notify

    case_types.register()
    notify.register()
    layers.register()
