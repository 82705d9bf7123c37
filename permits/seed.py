"""The demo city's building rules (seed data, not code: a planner edits them in the admin; docs/building-rules.md):
version 1 of each zoning code's rule set, adopted from 2020, and one flood channel overlay. Idempotent."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction
from pyproj import Transformer
from shapely.geometry import LineString, mapping

from parcels.models import SubdivisionPlan, ZoningRegulation
from permits.check.contract import reproject
from permits.models import Overlay, RuleSet

ADOPTED_FROM = date(2020, 1, 1)
# Plausible figures in the shape of the Ministry's building requirements (اشتراطات البناء); a municipality's own.
FIGURES = {
    "R1": dict(coverage_ground_pct=75, coverage_upper_pct=75, coverage_annex_pct=70, max_floors=2, max_height_m=12,
               far=Decimal("1.6"), front_setback_m=2, front_setback_street_fraction=Decimal("0.2"),
               front_setback_max_m=6, side_setback_m=2, rear_setback_m=2, corner_secondary_front="front",
               min_frontage_m=12, parking_plot_threshold_m2=400, parking_small_plot=1, parking_large_plot=2,
               parking_per_unit=1, parking_per_100m2=0),
    "C1": dict(coverage_ground_pct=60, coverage_upper_pct=60, coverage_annex_pct=50, max_floors=4, max_height_m=18,
               far=Decimal("2.4"), front_setback_m=6, front_setback_street_fraction=0, front_setback_max_m=None,
               side_setback_m=0, rear_setback_m=3, corner_secondary_front="side", min_frontage_m=15,
               parking_plot_threshold_m2=400, parking_small_plot=2, parking_large_plot=3, parking_per_unit=1,
               parking_per_100m2=1),
    "M1": dict(coverage_ground_pct=65, coverage_upper_pct=65, coverage_annex_pct=50, max_floors=3, max_height_m=15,
               far=Decimal("1.8"), front_setback_m=3, front_setback_street_fraction=Decimal("0.2"),
               front_setback_max_m=6, side_setback_m=Decimal("1.5"), rear_setback_m=2,
               corner_secondary_front="front", min_frontage_m=12, parking_plot_threshold_m2=400,
               parking_small_plot=1, parking_large_plot=2, parking_per_unit=1, parking_per_100m2=Decimal("0.5")),
    "P1": dict(coverage_ground_pct=10, coverage_upper_pct=0, coverage_annex_pct=0, max_floors=1, max_height_m=6,
               far=Decimal("0.1"), front_setback_m=5, front_setback_street_fraction=0, front_setback_max_m=None,
               side_setback_m=5, rear_setback_m=5, corner_secondary_front="front", min_frontage_m=0,
               parking_plot_threshold_m2=400, parking_small_plot=0, parking_large_plot=0, parking_per_unit=0,
               parking_per_100m2=0),
}


def figures_for(regulation: ZoningRegulation) -> dict:
    """The seed's figures of a code, else the regulation's own (coverage on every floor, its setbacks)."""
    if regulation.code in FIGURES:
        return dict(FIGURES[regulation.code])
    r = regulation
    return dict(coverage_ground_pct=r.max_coverage_pct, coverage_upper_pct=r.max_coverage_pct, coverage_annex_pct=50,
                max_floors=r.max_floors, max_height_m=max(Decimal("3.5") * r.max_floors, Decimal("4")), far=r.far,
                front_setback_m=r.front_setback_m, side_setback_m=r.side_setback_m, rear_setback_m=r.rear_setback_m)


@transaction.atomic
def demo_rules_ensure(*, municipality, on: date | None = None) -> list[RuleSet]:
    out = []
    for regulation in ZoningRegulation.objects.filter(municipality=municipality).order_by("code"):
        existing = RuleSet.objects.filter(regulation=regulation).order_by("number").first()
        if existing is None:
            existing = RuleSet.objects.create(
                municipality=municipality, regulation=regulation, number=1, status="adopted",
                valid_from=on or ADOPTED_FROM, source="demo: الاشتراطات الفنية للبناء (أرقام توضيحية)",
                allowed_uses=list(regulation.allowed_uses), **figures_for(regulation))
        out.append(existing)
    flood_channel_ensure(municipality=municipality)
    return out


def flood_channel_ensure(*, municipality) -> Overlay | None:
    """A 20 m wide flood channel (مجرى سيل) running diagonally across the municipality's last plan."""
    if Overlay.objects.filter(municipality=municipality, kind="flood_channel").exists():
        return None
    plan = SubdivisionPlan.objects.filter(municipality=municipality).order_by("-id").first()
    if plan is None:
        return None
    srid = municipality.metric_srid
    to_m = Transformer.from_crs(4326, srid, always_xy=True).transform
    to_ll = Transformer.from_crs(srid, 4326, always_xy=True).transform
    x0, y0, x1, y1 = reproject(to_m, _shape(plan.geom)).bounds
    channel = LineString([(x0, y0 + (y1 - y0) * 0.3), (x1, y0 + (y1 - y0) * 0.7)]).buffer(10, cap_style="flat")
    geom = GEOSGeometry(json.dumps(mapping(reproject(to_ll, channel))), srid=4326)
    return Overlay.objects.create(
        municipality=municipality, kind="flood_channel", name_ar=f"مجرى سيل وادي الرس (مخطط {plan.number})",
        name_en=f"Wadi Al-Rass flood channel (plan {plan.number})", prohibited=True, extra_setback_m=10,
        source="demo", valid_from=ADOPTED_FROM, geom=MultiPolygon(geom, srid=4326))


def _shape(geom):
    from shapely import wkb

    return wkb.loads(bytes(geom.wkb))
