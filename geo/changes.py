"""Announce that register features changed, so derived map products can be refreshed.

Map tiles (and any future derived product) are built from the registers, but a
register must not import the code that serves maps: arrows point down. So the
services that write registers call :func:`geometry_changed` with the old and new
geometry of what they wrote, and serving code registers a receiver here with
:func:`on_geometry_change`. Receivers run after the transaction commits (never for a
rolled-back edit, and never before the new rows are visible to other connections).

This is an explicit call from services, not a model signal: bulk paths that bypass
``save()`` call it too, and reading a service shows everything it causes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry
from django.db import models, transaction

logger = logging.getLogger(__name__)

Bbox = tuple[float, float, float, float]  # lon/lat: xmin, ymin, xmax, ymax


@dataclass(frozen=True)
class GeometryChange:
    model: type[models.Model]
    bboxes: tuple[Bbox, ...]  # the old and new extents in EPSG:4326 (one when equal, none when unknown)


Receiver = Callable[[GeometryChange], None]
_RECEIVERS: list[Receiver] = []


def on_geometry_change(receiver: Receiver) -> Receiver:
    """Register a receiver (idempotent; usable as a decorator)."""
    if receiver not in _RECEIVERS:
        _RECEIVERS.append(receiver)
    return receiver


def _bbox(geom: GEOSGeometry | dict | None) -> Bbox | None:
    if isinstance(geom, dict):  # GeoJSON, as kept in the services' before/after snapshots
        geom = GEOSGeometry(json.dumps(geom), srid=4326)
    if geom is None or geom.empty:
        return None
    if geom.srid not in (None, 4326):
        geom = geom.transform(4326, clone=True)
    return tuple(geom.extent)


def geometry_changed(*, model: type[models.Model], old: GEOSGeometry | dict | None = None,
                     new: GEOSGeometry | dict | None = None) -> None:
    """Record that a feature of ``model`` changed from ``old`` to ``new`` (either may be None).

    Geometries are GEOS objects or GeoJSON mappings (lon/lat) such as a snapshot holds.
    Call it for attribute edits too (with old == new): maps show attributes.
    """
    boxes: list[Bbox] = []
    for geom in (old, new):
        box = _bbox(geom)
        if box is not None and box not in boxes:
            boxes.append(box)
    change = GeometryChange(model=model, bboxes=tuple(boxes))
    transaction.on_commit(lambda: _notify(change))


def _notify(change: GeometryChange) -> None:
    for receiver in list(_RECEIVERS):
        try:
            receiver(change)
        except Exception:  # a map refresh must not fail an edit that is already committed
            logger.exception("geometry change receiver %r failed for %s", receiver, change.model.__name__)
