"""Permits answer the backbone's ``building_inspection`` requests (``cases.requests``): a citizen's report of a
building violation asks for an inspection; a building-violation case is opened on the parcel at the report's
place, in the building inspectors' queue, linked to the report. The parcel's recorded owner is the party the
case is about; a parcel with no recorded owner cannot be the subject of a violation case yet (said so)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.models import LinkKind
from cases.services import case_create, case_link
from common.errors import RegisterError
from parcels.models import ParcelOwnership
from parcels.selectors import parcels_current


def building_inspection(*, case, actor, point=None, **data) -> str:
    if point is None:
        raise RegisterError(_("An inspection needs a place."), code="no_place")
    parcel = parcels_current(municipality=case.municipality).filter(geom__intersects=point).first()
    if parcel is None:
        raise RegisterError(_("There is no parcel at the report's place: the inspector plans the visit."),
                            code="no_parcel")
    owner = ParcelOwnership.objects.filter(parcel=parcel, until__isnull=True).select_related("party").first()
    if owner is None:
        raise RegisterError(_("The owner of parcel %(n)s is not recorded: open the violation from the inspectors' "
                              "pages once they are known.") % {"n": parcel.number}, code="no_owner")
    violation = case_create(municipality=case.municipality, case_type="building_violation", actor=actor,
                            data={"violation": "without_permit", "count": 1}, parties=[(owner.party, "applicant")],
                            parcels=[parcel], roles_checked=True)
    case_link(case=violation, other=case, actor=actor, kind=LinkKind.RELATED, roles_checked=True)
    return _("Building inspection opened: %(number)s on parcel %(parcel)s (building permits).") % {
        "number": violation.number, "parcel": parcel.number}


def register() -> None:
    from cases.requests import register_request_handler

    register_request_handler("building_inspection", building_inspection)
