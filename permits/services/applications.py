"""A permit application's writes: the draft case for a parcel, and each version of the proposed building, checked
against the rules in force on the case's first submission day (today for a draft) and kept with its check."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.ops import unary_union

from accounts.models import Party, Person
from accounts.selectors import acting_parties, role_codes_of
from audit.models import ChangeRecord
from audit.services import change_record
from cases import services as cases_services
from cases.documents.services import document_upload
from cases.models import Case, CaseParcel, PartyRole
from common.errors import NotPermitted, RegisterError
from parcels.models import Parcel
from parcels.models.parcel import LandUse
from permits import inputs
from permits.check import run_check
from permits.models import Proposal, ProposalSource, RuleSet
from permits.readers import read_proposal
from permits.selectors_cases import latest_proposal, rules_date_of

PERMIT = "building_permit"
MODIFICATION = "permit_modification"
PROPOSAL_TYPES = (PERMIT, MODIFICATION)
REVIEWER = "permit_reviewer"
APPLICANT_STATUSES = ("draft", "returned")
REVIEWER_STATUSES = ("in_review",)


def _applicant_of(actor, applicant: Party | None, *, municipality_id: int | None = None) -> Party:
    """The applicant: a party the actor acts for (default: their own person), or — for a permit reviewer of the
    municipality at the counter — the party named."""
    acting = acting_parties(actor)
    if applicant is not None:
        at_counter = municipality_id is not None and REVIEWER in role_codes_of(actor, municipality_id=municipality_id)
        if applicant.pk not in acting and not at_counter:
            raise NotPermitted(_("You do not act for %(p)s.") % {"p": applicant.name_ar}, needed=["applicant"])
        return applicant
    person = Person.objects.filter(user=actor).first()
    if person is None:
        raise RegisterError(_("Your sign-in has no person record: the municipality must register you first."),
                            code="no_person")
    return person


@transaction.atomic
def permit_draft_create(*, municipality, actor, parcel: Parcel, applicant: Party | None = None,
                        parties=(), case_type: str = PERMIT, data: dict | None = None) -> Case:
    """A building-permit case in ``draft`` for ``parcel``: the applicant (a party the actor acts for, default
    their own person) and the other parties (owner, designer office, supervising office, contractor)."""
    if parcel.municipality_id != municipality.pk:
        raise RegisterError(_("Parcel %(n)s belongs to another municipality.") % {"n": parcel.number}, code="tenant")
    inputs.check_inputs(parcel=parcel, on=timezone.localdate())  # no zone or no rules: refused before the case
    party = _applicant_of(actor, applicant, municipality_id=municipality.pk)
    listed = [(party, PartyRole.APPLICANT), *((p, r) for p, r in parties)]
    if not any(r == PartyRole.OWNER for _p, r in listed):
        listed.append((party, PartyRole.OWNER))
    return cases_services.case_create(municipality=municipality, case_type=case_type, actor=actor,
                                      data=data or {}, parties=listed, parcels=[parcel])


def _may_add(case: Case, actor) -> None:
    if case.case_type not in PROPOSAL_TYPES:
        raise RegisterError(_("Case %(n)s is not a building permit application.") % {"n": case.number},
                            code="case_type")
    roles = cases_services.roles_on(case, actor)
    if case.status in APPLICANT_STATUSES and "applicant" in roles:
        return
    if case.status in REVIEWER_STATUSES and REVIEWER in roles:
        return
    raise NotPermitted(
        _("A new version of the building is sent by the applicant while case %(n)s is a draft or returned, or "
          "corrected by a permit reviewer during the review; the case is “%(s)s”.")
        % {"n": case.number, "s": case.status}, needed=["applicant", REVIEWER])


def _number(value, name: str, *, whole: bool = False, minimum: float = 0) -> float | int:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RegisterError(_("%(f)s: expected a number, got “%(v)s”.") % {"f": name, "v": str(value)[:30]},
                            code="proposal") from None
    if not number.is_finite() or number < minimum or (whole and number != number.to_integral_value()):
        raise RegisterError(_("%(f)s: “%(v)s” is not allowed here.") % {"f": name, "v": str(value)[:30]},
                            code="proposal")
    return int(number) if whole else float(number)


def _outline(floors: list[dict]):
    shapes = [shape(f["footprint"]) for f in floors]
    union = unary_union(shapes)
    polys = [union] if union.geom_type == "Polygon" else [g for g in getattr(union, "geoms", []) if g.area > 0]
    return GEOSGeometry(json.dumps(mapping(MultiPolygon(polys))), srid=4326)


def _summary(proposal: Proposal) -> str:
    results = proposal.check_result.get("results", [])
    failing = [r["rule"] for r in results if not r.get("passed")]
    source = proposal.check_result.get("results", [{}])[0].get("source", {}) if results else {}
    text = (_("Proposal %(n)d: %(ok)d of %(all)d rules pass (rules %(code)s version %(v)s, in force on %(day)s).")
            % {"n": proposal.number, "ok": len(results) - len(failing), "all": len(results),
               "code": source.get("code", "?"), "v": source.get("version", "?"), "day": proposal.rules_date})
    if failing:
        text += " " + _("Failing: %(rules)s.") % {"rules": ", ".join(failing)}
    if proposal.justification:
        text += " " + _("Justification: %(j)s") % {"j": proposal.justification}
    return text


@transaction.atomic
def proposal_add(*, case: Case, actor, proposal: dict, source: str = ProposalSource.DRAWN, document=None,
                 justification: str = "", rule_set: RuleSet | None = None, _checked: bool = True) -> Proposal:
    """The next version of the proposed building on ``case`` (the check's "proposal", docs/permits-check.md),
    checked against the rules in force on the case's first submission day and stored with its result. Bad
    input (an invalid footprint, one outside the parcel, wrong CRS) is refused as a whole, with what and where."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if _checked:
        _may_add(case, actor)
    if source not in ProposalSource.values:
        raise RegisterError(_("Unknown source of a proposal: %(s)s.") % {"s": str(source)[:20]}, code="proposal")
    if isinstance(proposal, dict) and proposal.get("use") not in LandUse.values:
        raise RegisterError(_("The building's use must be one of: %(uses)s.") % {"uses": ", ".join(LandUse.values)},
                            code="use")
    if not isinstance(proposal, dict) or not isinstance(proposal.get("floors"), list) or not proposal["floors"]:
        raise RegisterError(_("The proposal has no floors: draw or upload at least the ground floor's footprint."),
                            code="no_floors")
    parcel_id = CaseParcel.objects.filter(case=case).values_list("parcel_id", flat=True).first()
    parcel = Parcel.objects.get(pk=parcel_id)
    on = rules_date_of(case=case)
    site = inputs.check_inputs(parcel=parcel, on=on, rule_set=rule_set)
    result = run_check({**site, "proposal": proposal})
    floors = [{"kind": f.get("kind"), "level": f.get("level"), "footprint": f.get("footprint")}
              for f in proposal["floors"]]
    number = (Proposal.objects.filter(case=case).order_by("-number").values_list("number", flat=True).first()
              or 0) + 1
    used = RuleSet.objects.get(pk=site["rules"]["source"]["rule_set"])
    record = Proposal.objects.create(
        municipality_id=case.municipality_id, case=case, number=number, parcel=parcel, source=source,
        document=document, use=str(proposal.get("use") or "")[:24],
        units=_number(proposal.get("units", 1), _("units"), whole=True, minimum=1),
        parking_spaces=_number(proposal.get("parking_spaces", 0), _("parking spaces"), whole=True),
        height_m=Decimal(str(_number(proposal.get("height_m"), _("height (m)"), minimum=0.01))),
        floors=floors, footprint=_outline(floors), floor_area_m2=result["proposal"]["floor_area_m2"],
        rule_set=used, rules_date=on, check_result=result, passed=bool(result["passed"]),
        justification=(justification or "").strip()[:3000],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    change_record(instance=record, action=ChangeRecord.Action.CREATE, actor=actor, changes={
        "case": [None, case.number], "number": [None, number], "passed": [None, record.passed],
        "rule_set": [None, str(used)]})
    cases_services.case_record(case=case, actor=actor, body=_summary(record),
                               data={"proposal": number, "passed": record.passed})
    return record


@transaction.atomic
def proposal_justify(*, case: Case, actor, justification: str) -> Proposal:
    """The applicant's reason for submitting a proposal whose check fails (the reviewer weighs it)."""
    text = (justification or "").strip()
    if not text:
        raise RegisterError(_("Say why the building should be permitted although the check fails."),
                            code="justification")
    case = Case.objects.select_for_update().get(pk=case.pk)
    _may_add(case, actor)
    latest = latest_proposal(case=case)
    if latest is None:
        raise RegisterError(_("Case %(n)s has no proposal yet.") % {"n": case.number}, code="no_proposal")
    latest.justification = text[:3000]
    latest.save(update_fields=["justification", "updated_at"])
    change_record(instance=latest, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"justification": ["", latest.justification]})
    cases_services.case_record(case=case, actor=actor, body=_("Justification of proposal %(n)d: %(j)s")
                               % {"n": latest.number, "j": latest.justification})
    return latest


def proposal_from_file(*, case: Case, actor, upload, srid: int | None, attrs: dict,
                       justification: str = "") -> Proposal:
    """A proposal read from a DXF (agreed layers) or GeoJSON drawing, stored as the case's ``drawing``
    document and checked; the drawing's plot boundary must match the registered parcel."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        _may_add(case, actor)
        document = document_upload(case=case, code="drawing", upload=upload, actor=actor)
        with document.file.open("rb") as fh:
            content = fh.read()
        parcel = Parcel.objects.get(pk=CaseParcel.objects.filter(case=case).values_list("parcel_id", flat=True)[0])
        read = read_proposal(content=content, content_type=document.content_type, srid=srid, parcel=parcel)
        proposal = {**{k: attrs.get(k) for k in ("use", "units", "parking_spaces", "height_m")}, "floors": read.floors}
        source = ProposalSource.DXF if "dxf" in document.content_type else ProposalSource.GEOJSON
        record = proposal_add(case=case, actor=actor, proposal=proposal, source=source, document=document,
                              justification=justification)
        if read.plot_shift_m is not None or read.notes:
            notes = [str(n) for n in read.notes]
            if read.plot_shift_m is not None:
                notes.insert(0, _("The drawing's plot boundary lies within %(m)s m of the registered parcel.")
                             % {"m": round(read.plot_shift_m, 2)})
            cases_services.case_record(case=case, actor=actor, body=" ".join(notes),
                                       data={"proposal": record.number})
        return record


def permit_apply(*, municipality, actor, data=None, parties=(), parcels=(), point=None, area=None, files=None,
                 case_type: str = PERMIT) -> Case:
    """The case type's ``apply`` (the inbox's form, ``POST /api/v1/cases/``; inside ``case_apply``'s
    transaction): a draft for the one parcel named, and — when a drawing is attached — its first proposal read
    from it and checked. The applicant submits it (``submit``) once the check passes or is justified."""
    parcels = list(parcels)
    if len(parcels) != 1:
        raise RegisterError(_("A building permit is for exactly one parcel (%(n)d given).") % {"n": len(parcels)},
                            code="one_parcel")
    files = dict(files or {})
    data = dict(data or {})
    applicant = next((p for p, r in parties if r == PartyRole.APPLICANT), None)
    others = [(p, r) for p, r in parties if r != PartyRole.APPLICANT]
    case = permit_draft_create(municipality=municipality, actor=actor, parcel=parcels[0], applicant=applicant,
                               parties=others, case_type=case_type, data=data)
    drawing = files.pop("drawing", None)
    for code, upload in files.items():
        document_upload(case=case, code=code, upload=upload, actor=actor)
    if drawing is not None:
        srid = case.data.get("drawing_crs")
        proposal_from_file(case=case, actor=actor, upload=drawing, srid=int(srid) if srid else None,
                           attrs=case.data)
    return case
