"""Licensing answers the backbone's ``inspection_visit`` requests (``cases.requests``): a hygiene report asks for
a visit at its place; the premises nearest it (within ``REACH_M``) gets one, linked to the asking case."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

from common.errors import RegisterError

REACH_M = 40


def inspection_visit(*, case, actor, point=None, **data) -> str:
    from licensing.models import Premises
    from licensing.services.visits import visit_request

    if point is None:
        raise RegisterError(_("An inspection visit needs a place."), code="no_place")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM licensing_premises WHERE municipality_id = %s AND ST_DWithin(geom::geography, "
            "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s) "
            "ORDER BY geom::geography <-> ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography LIMIT 1",
            [case.municipality_id, point.x, point.y, REACH_M, point.x, point.y])
        row = cursor.fetchone()
    if row is None:
        raise RegisterError(_("No licensed premises within %(m)d m of the report's place: plan the visit from "
                              "the inspections' pages.") % {"m": REACH_M}, code="no_premises")
    premises = Premises.objects.get(pk=row[0])
    visit = visit_request(premises=premises, case=case, actor=actor)
    return _("Inspection visit of %(name)s due %(day)s (licensing).") % {"name": premises.name_ar,
                                                                         "day": visit.due_on.isoformat()}


def register() -> None:
    from cases.requests import register_request_handler

    register_request_handler("inspection_visit", inspection_visit)
