"""The inspectors' day on the street network (docs/inspections.md): each inspector's due visits ordered by
``licensing.routing`` (pgRouting travel times, OR-Tools order with opening hours as time windows) and kept as
the day's route — the map's layer and the offline day's order."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, time

from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import ChangeRecord
from audit.services import change_record
from common.errors import RegisterError
from licensing.models import InspectionRoute, InspectorArea
from licensing.routing import Start, Stop, plan_routes
from licensing.selectors import inspectors_of, visits_for
from parcels.models import District

DAY_START, DAY_END = time(8, 0), time(16, 0)


def start_of(*, inspector, municipality_id: int):
    """Where the inspector's day starts: the middle of their first district (the office, in a real deployment)."""
    area = (InspectorArea.objects.filter(inspector=inspector, municipality_id=municipality_id)
            .order_by("district__code").first())
    if area is None:
        raise RegisterError(_("%(u)s covers no district: give them one (inspectors' districts in the admin).")
                            % {"u": inspector.username}, code="no_district")
    return District.objects.get(pk=area.district_id).geom.point_on_surface


@transaction.atomic
def routes_plan(*, municipality, day: date, inspectors=None, actor=None) -> list[InspectionRoute]:
    """Plan (again) the day's route of each inspector (all of the municipality's when None)."""
    inspectors = inspectors if inspectors is not None else inspectors_of(municipality_id=municipality.pk)
    out = []
    for inspector in inspectors:
        visits = list(visits_for(user=inspector, municipality_id=municipality.pk, day=day))
        start = Start(key=str(inspector.pk), point=start_of(inspector=inspector, municipality_id=municipality.pk),
                      day_start=DAY_START, day_end=DAY_END)
        stops = [Stop(key=str(v.pk), point=v.geom, opens=v.premises.opens, closes=v.premises.closes,
                      service_min=v.license.activity.visit_minutes if v.license else 20) for v in visits]
        values = {"stops": [], "unassigned": [], "length_m": 0, "drive_s": 0, "naive_length_m": 0, "solve_s": 0,
                  "geom": None}
        if stops:
            plan = plan_routes(municipality=municipality, starts=[start], stops=stops)
            route = plan.routes[0]
            values.update(stops=[{**s, "arrive": _hhmm(s.get("arrive")), "leave": _hhmm(s.get("leave"))}
                                 for s in route.stops],
                          unassigned=[asdict(u) for u in plan.unassigned], length_m=route.length_m,
                          drive_s=route.drive_s, naive_length_m=route.naive_length_m,
                          solve_s=round(plan.solve_s + plan.matrix_s + plan.legs_s, 3),
                          geom=route.geom)
        saved, created = InspectionRoute.objects.update_or_create(
            municipality=municipality, inspector=inspector, day=day, defaults=values)
        change_record(instance=saved, action=ChangeRecord.Action.CREATE if created else ChangeRecord.Action.UPDATE,
                      actor=actor or "system: routes", changes={"stops": [None, len(saved.stops)],
                                                                "length_m": [None, round(saved.length_m)]})
        out.append(saved)
    return out


def _hhmm(value) -> str | None:
    if value is None:
        return None
    return value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)
