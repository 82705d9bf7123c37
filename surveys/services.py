"""Writes of survey decisions: apply with a survey (read, compared, priced, in one transaction with the case),
a new survey version for a returned case, a reviewer's acceptance of a deviation, the printed decision.

The case's workflow is the backbone's (cases.services.case_transition); what is the survey's own is here.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import mapping

from accounts.models import Municipality
from audit.models import ChangeRecord
from audit.services import change_record
from cases import services as cases_services
from cases.documents.services import Approver, document_issue, document_upload
from cases.models import Case, CaseParty, EntryKind, PartyRole, TimelineEntry
from common.errors import NotPermitted, RegisterError
from parcels.models import Parcel
from payments.fees import compute_fee
from payments.lines import FeeLine, sar
from payments.services import bill_issue
from surveys import compare as comparing
from surveys.models import Survey
from surveys.readers import SurveyRefused, read_survey
from surveys.selectors import latest_survey, rules_for, surveys_of

CODE = "survey_decision"
NEAR_DEG = 0.0006  # about 60 m: the parcels whose overlap with a survey is measured


def _shapely(geom: GEOSGeometry):
    from shapely import wkb

    return wkb.loads(bytes(geom.wkb))


def _register_outline(parcel: Parcel):
    shape = _shapely(parcel.geom)
    return max(shape.geoms, key=lambda p: p.area) if shape.geom_type == "MultiPolygon" else shape


def _neighbours(parcel: Parcel):
    near = parcel.geom.buffer(NEAR_DEG)
    rows = (Parcel.objects.filter(municipality_id=parcel.municipality_id, valid_to__isnull=True, geom__intersects=near)
            .exclude(pk=parcel.pk).only("pk", "number", "geom"))
    return [(p.pk, p.number, _shapely(p.geom)) for p in rows]


def _srid(data: dict) -> int | None:
    value = (data or {}).get("survey_crs")
    return int(value) if value not in (None, "") and str(value).isdigit() else None


def survey_compare(*, parcel: Parcel, content: bytes, content_type: str, srid: int | None):
    """(outline, comparison, fee) of a survey of ``parcel``; SurveyRefused when it cannot be read or lies too
    far from the parcel to be a survey of it."""
    outline = read_survey(content, content_type=content_type, srid=srid)
    rules = rules_for(municipality_id=parcel.municipality_id)
    tolerances = comparing.Tolerances(area_pct=float(rules.area_pct), corner_shift_m=float(rules.corner_shift_m),
                                      hausdorff_m=float(rules.hausdorff_m), overlap_m2=float(rules.overlap_m2))
    municipality = Municipality.objects.only("metric_srid", "fee_category").get(pk=parcel.municipality_id)
    result = comparing.compare(survey=outline.wgs84, register=_register_outline(parcel),
                               neighbours=_neighbours(parcel), tolerances=tolerances,
                               metric_srid=municipality.metric_srid)
    if result.distance_m > float(rules.refuse_beyond_m) or result.hausdorff_m > 10 * float(rules.refuse_beyond_m):
        raise SurveyRefused(
            _("The survey lies %(d)s m from parcel %(n)s (Hausdorff distance %(h)s m; the limit is %(limit)s m): "
              "is it the right parcel and the right CRS?")
            % {"d": result.distance_m, "n": parcel.number, "h": result.hausdorff_m, "limit": rules.refuse_beyond_m},
            code="survey_far")
    # The fee from the schedule in force today (payments: the municipality's override, else the national line).
    fee = compute_fee(municipality=municipality, service=CODE, measures={"parcel_area": result.survey_area_m2},
                      on=timezone.localdate()).as_dict()
    return outline, result, fee


def _store(*, case: Case, parcel: Parcel, document, outline, result, fee, actor) -> Survey:
    number = (surveys_of(case=case).values_list("number", flat=True).first() or 0) + 1
    geom = GEOSGeometry(json.dumps(mapping(outline.wgs84)), srid=4326)
    survey = Survey.objects.create(
        municipality_id=case.municipality_id, case=case, number=number, parcel=parcel, geom=geom,
        source_srid=outline.srid, corners=outline.corners, document=document, comparison=result.as_dict(),
        within_tolerance=result.within_tolerance, fee=fee, notes=[str(n) for n in outline.notes],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    change_record(instance=survey, action=ChangeRecord.Action.CREATE, actor=actor, changes={
        "case": [None, case.number], "number": [None, number], "within_tolerance": [None, result.within_tolerance]})
    summary = (_("Survey %(n)d: area %(s)s m² against %(r)s m² in the register (%(pct)s %%), largest corner shift "
                 "%(shift)s m, Hausdorff %(h)s m, overlap with neighbours %(o)s m² — %(verdict)s. Fee SAR %(fee)s.")
               % {"n": number, "s": result.survey_area_m2, "r": result.register_area_m2, "pct": result.area_diff_pct,
                  "shift": result.max_corner_shift_m, "h": result.hausdorff_m, "o": result.overlap_m2,
                  "verdict": _("within tolerance") if result.within_tolerance else _("beyond tolerance"),
                  "fee": fee["total"]})
    cases_services.case_record(case=case, actor=actor, body=summary, data={"survey": number})
    return survey


def _parcel_of(*, municipality, parcels, data) -> Parcel:
    parcels = list(parcels)
    deed = (data or {}).get("deed_number")
    if len(parcels) > 1:
        raise RegisterError(_("A survey decision is for one parcel."), code="one_parcel")
    if not parcels and deed:
        found = list(Parcel.objects.filter(municipality=municipality, deed_number=str(deed)[:32],
                                           valid_to__isnull=True)[:2])
        if len(found) != 1:
            raise RegisterError(_("No single current parcel of this municipality has deed number %(d)s.")
                                % {"d": str(deed)[:32]}, code="deed")
        parcels = found
    if not parcels:
        raise RegisterError(_("Pick the parcel, by its deed number or on the map."), code="no_parcel")
    parcel = parcels[0]
    if deed and parcel.deed_number and parcel.deed_number != str(deed):
        raise RegisterError(_("Parcel %(n)s has deed number %(d)s, not %(given)s.")
                            % {"n": parcel.number, "d": parcel.deed_number, "given": str(deed)[:32]}, code="deed")
    return parcel


def survey_apply(*, municipality, actor, data=None, parties=(), parcels=(), point=None, area=None, files=None) -> Case:
    """The case type's ``apply`` (called by ``cases.services.case_apply`` inside its transaction): the case, the
    survey file as its first version, read and compared with the register, the fee; refused as a whole."""
    data = dict(data or {})
    files = dict(files or {})
    if "survey" not in files:
        raise RegisterError(_("Attach the survey (corner coordinates as CSV, GeoJSON or DXF)."), code="no_survey")
    parcel = _parcel_of(municipality=municipality, parcels=parcels, data=data)
    if not data.get("deed_number") and parcel.deed_number:
        data["deed_number"] = parcel.deed_number
    case = cases_services.case_create(municipality=municipality, case_type=CODE, actor=actor, data=data,
                                      parties=parties, parcels=[parcel], point=point, area=area)
    uploads = {code: document_upload(case=case, code=code, upload=f, actor=actor) for code, f in files.items()}
    survey_doc = uploads["survey"]
    with survey_doc.file.open("rb") as fh:
        content = fh.read()
    outline, result, fee = survey_compare(parcel=parcel, content=content, content_type=survey_doc.content_type,
                                          srid=_srid(case.data))
    _store(case=case, parcel=parcel, document=survey_doc, outline=outline, result=result, fee=fee, actor=actor)
    from surveys import notify

    transaction.on_commit(lambda: notify.submitted(case_id=case.pk))
    return case


@transaction.atomic
def survey_add_version(*, case: Case, actor, upload, srid: int | None = None) -> Survey:
    """A new survey of a returned (or not yet reviewed) case, by whoever acts for the applicant: stored as the
    survey document's next version, compared again."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.case_type != CODE:
        raise RegisterError(_("Case %(n)s is not a survey decision.") % {"n": case.number}, code="case_type")
    if case.status not in ("returned", "submitted"):
        raise RegisterError(_("A new survey is taken while the case is submitted or returned; case %(n)s is %(s)s.")
                            % {"n": case.number, "s": case.status}, code="survey_status")
    if not cases_services.acts_for_applicant(case, actor):
        raise NotPermitted(_("Only the applicant or whoever acts for them sends a new survey."), needed=["applicant"])
    previous = latest_survey(case=case)
    parcel = previous.parcel if previous else Parcel.objects.filter(pk__in=case.parcels.values("pk")).first()
    if parcel is None:
        raise RegisterError(_("Case %(n)s names no parcel to survey.") % {"n": case.number}, code="no_parcel")
    document = document_upload(case=case, code="survey", upload=upload, actor=actor)
    with document.file.open("rb") as fh:
        content = fh.read()
    srid = srid or (previous.source_srid if previous else None) or _srid(case.data)
    outline, result, fee = survey_compare(parcel=parcel, content=content, content_type=document.content_type,
                                          srid=srid)
    return _store(case=case, parcel=parcel, document=document, outline=outline, result=result, fee=fee, actor=actor)


@transaction.atomic
def survey_accept_deviation(*, case: Case, actor, reason: str) -> Survey:
    """A reviewer accepts the latest survey although it is beyond tolerance, saying why (then it may be approved)."""
    reason = (reason or "").strip()
    if not reason:
        raise RegisterError(_("Say why the deviation is accepted."), code="reason")
    if "survey_reviewer" not in cases_services.roles_on(case, actor):
        raise NotPermitted(_("Only a survey reviewer accepts a deviation."), needed=["survey_reviewer"])
    survey = latest_survey(case=case)
    if survey is None:
        raise RegisterError(_("Case %(n)s has no survey.") % {"n": case.number}, code="no_survey")
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    survey.deviation_reason, survey.deviation_accepted_by = reason[:2000], actor
    survey.save(update_fields=["deviation_reason", "deviation_accepted_by"])
    change_record(instance=survey, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"deviation_reason": ["", survey.deviation_reason]})
    cases_services.case_record(case=case, actor=actor, visible_to_applicant=False,
                               body=_("Deviation of survey %(n)d accepted: %(r)s")
                               % {"n": survey.number, "r": survey.deviation_reason})
    return survey


# --- the workflow's guards and actions (cases.types) ----------------------------------------------------


def new_survey_since_return(case: Case, actor):
    survey = latest_survey(case=case)
    if survey is None or survey.created_at < case.status_since:
        return _("Send a new survey first: the case was returned for it.")
    return None


def within_tolerance_or_explained(case: Case, actor):
    survey = latest_survey(case=case)
    if survey is None:
        return _("The case has no survey.")
    if not survey.within_tolerance and not survey.deviation_reason:
        return _("Survey %(n)d is beyond tolerance (%(what)s): accept the deviation with a reason, or return it.") % {
            "n": survey.number, "what": ", ".join(survey.comparison.get("exceeded", []))}
    return None


def _fee_lines(fee: dict) -> list[FeeLine]:
    return [FeeLine(kind=line.get("kind") or ("minimum" if ".minimum" in line["rule"] else "fee"), rule=line["rule"],
                    quantity=Decimal(line["quantity"]), rate=Decimal(line["rate"]), amount=sar(line["amount"]),
                    explain_ar=line["explain_ar"], explain_en=line["explain_en"]) for line in fee["lines"]]


def bill_decision(*, case: Case, actor) -> None:
    """The approval's action: the latest survey's fee becomes a SADAD bill on the case (payments), inside the
    step's transaction; its payment issues the decision (``issue_decision``, on the event ``payment.paid``)."""
    survey = latest_survey(case=case)
    bill_issue(case=case, actor=actor, service_code=CODE, lines=_fee_lines(survey.fee))


def _approver(case: Case):
    """Who approved the decision (the reviewer of the step "approve"), to sign it when its fee is paid."""
    entry = (TimelineEntry.objects.filter(case=case, kind=EntryKind.TRANSITION, data__transition="approve",
                                          actor__isnull=False).select_related("actor").order_by("-id").first())
    return entry.actor if entry else Approver(name=_("Survey department"))


def issue_decision(*, case: Case, actor) -> None:
    """The printed decision, once its fee is paid (the step "issue" on ``payment.paid``), in the step's transaction."""
    survey = latest_survey(case=case)
    rules = rules_for(municipality_id=case.municipality_id)
    parcel = Parcel.objects.select_related("plan").get(pk=survey.parcel_id)
    owners = CaseParty.objects.filter(case=case, role__in=[PartyRole.OWNER, PartyRole.APPLICANT]).exists()
    document_issue(
        case=case, kind=CODE, template="surveys/decision.html",
        context={"survey": survey, "parcel": parcel, "comparison": survey.comparison, "fee": survey.fee,
                 "corners": [(i + 1, c[0], c[1]) for i, c in enumerate(survey.corners)], "has_owner": owners,
                 "source_srid": survey.source_srid},
        approver=_approver(case), actor=actor, title_ar="قرار مساحي", title_en="Survey decision",
        valid_until=timezone.localdate() + timedelta(days=rules.validity_days),
    )


def panel_context(case: Case, actor) -> dict:
    """What the inbox's case page shows of a survey decision (``CaseType.detail_context``)."""
    surveys = list(surveys_of(case=case).select_related("parcel")[:20])
    latest = surveys[0] if surveys else None
    overlays = {"type": "FeatureCollection", "features": []}
    if latest is not None:
        overlays["features"].append({"type": "Feature", "geometry": json.loads(latest.parcel.geom.geojson),
                                     "properties": {"role": "register", "label": latest.parcel.number}})
        overlays["features"].append({"type": "Feature", "geometry": json.loads(latest.geom.geojson),
                                     "properties": {"role": "survey", "label": str(latest.number)}})
        for item in latest.comparison.get("overlaps", []):
            neighbour = Parcel.objects.filter(pk=item["parcel"]).only("geom", "number").first()
            if neighbour is not None:
                overlays["features"].append({"type": "Feature", "geometry": json.loads(neighbour.geom.geojson),
                                             "properties": {"role": "neighbour", "label": neighbour.number}})
    roles = cases_services.roles_on(case, actor)
    return {
        "case": case, "surveys": surveys, "latest": latest, "overlays": overlays,
        "rules": rules_for(municipality_id=case.municipality_id),
        "may_send_survey": "applicant" in roles and case.status in ("returned", "submitted"),
        "may_accept_deviation": "survey_reviewer" in roles and case.status == "in_review" and latest is not None
        and not latest.within_tolerance and not latest.deviation_reason,
    }
