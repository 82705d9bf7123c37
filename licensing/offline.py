"""Licensing's part of an inspector's offline day (``geo.offline``): the visits due to them in route order, each
with what the visit needs without a network — the premises (and its version, so a change at the office shows up
as a conflict on sync), the license, the checklist, the workers' health certificates and the open grace periods."""

from __future__ import annotations

import json
from datetime import date

from geo.offline import OfflinePart
from geo.offline import register as register_part
from licensing.models import (
    ChecklistItem,
    HealthCertificate,
    InspectionRoute,
    Violation,
    ViolationStatus,
)
from licensing.selectors import visits_for

KEY = "licensing.visits"


def _checklists(activity_ids) -> dict:
    out: dict[str, list] = {}
    for item in (ChecklistItem.objects.filter(activity_id__in=activity_ids).select_related("penalty")
                 .order_by("activity_id", "position")):
        out.setdefault(str(item.activity_id), []).append({
            "code": item.code, "question_ar": item.question_ar, "question_en": item.question_en,
            "severity": item.severity, "weight": item.weight,
            "penalty": item.penalty.code if item.penalty else None})
    return out


def build(*, user, municipality, day: date, district=None) -> dict:
    visits = list(visits_for(user=user, municipality_id=municipality.pk, day=day))
    route = InspectionRoute.objects.filter(inspector=user, day=day).first()
    order = {str(s["key"]): s for s in (route.stops if route else [])}
    visits.sort(key=lambda v: (order.get(str(v.pk), {}).get("order", 10_000), v.due_on, v.pk))
    establishment_ids = {v.premises.establishment_id for v in visits}
    certificates: dict[int, list] = {}
    for c in HealthCertificate.objects.filter(establishment_id__in=establishment_ids).order_by("expires_on"):
        certificates.setdefault(c.establishment_id, []).append({
            "holder": c.holder_name, "number": c.number, "expires_on": c.expires_on.isoformat(),
            "expired": c.expires_on < day})
    graces: dict[int, list] = {}
    for v in Violation.objects.filter(premises_id__in=[v.premises_id for v in visits], status=ViolationStatus.GRACE):
        graces.setdefault(v.premises_id, []).append({"penalty": v.penalty_code, "item": v.item,
                                                      "grace_until": v.grace_until.isoformat()})
    out, xs, ys = [], [], []
    for n, v in enumerate(visits, start=1):
        p, lic = v.premises, v.license
        stop = order.get(str(v.pk), {})
        xs.append(p.geom.x), ys.append(p.geom.y)
        out.append({
            "id": v.pk, "order": n, "kind": v.kind, "kind_label": v.get_kind_display(), "due_on": v.due_on.isoformat(),
            "overdue": v.due_on < day, "arrive": stop.get("arrive"), "version": v.version,
            "premises": {"id": p.pk, "name": p.name_ar, "version": p.version, "lon": p.geom.x, "lat": p.geom.y,
                         "area_m2": str(p.area_m2), "opens": p.opens.isoformat("minutes") if p.opens else None,
                         "closes": p.closes.isoformat("minutes") if p.closes else None,
                         "establishment": p.establishment.name_ar, "cr_number": p.establishment.cr_number,
                         "size_class": p.establishment.size_class},
            "license": {"number": lic.number, "status": lic.status, "activity": lic.activity.code,
                        "activity_ar": lic.activity.name_ar, "activity_en": lic.activity.name_en,
                        "activity_id": str(lic.activity_id), "risk": lic.risk} if lic else None,
            "health_certificates": certificates.get(p.establishment_id, []),
            "open_graces": graces.get(p.pk, []),
        })
    result = {"day": day.isoformat(), "visits": out,
              "checklists": _checklists({v.license.activity_id for v in visits if v.license}),
              "route": json.loads(route.geom.geojson) if route and route.geom else None,
              "route_length_m": route.length_m if route else None}
    if xs:
        pad = 0.003
        result["bbox"] = [min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad]
    return result


def register() -> None:
    register_part(OfflinePart(key=KEY, build=build, permission="inspections.perform"))
