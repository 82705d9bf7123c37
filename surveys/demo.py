"""The survey decisions' part of the demo (``SurveysConfig.demo_part``): survey decision cases in every state,
each with a survey a little off its parcel (most within tolerance, some not), made through the services."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from shapely import affinity

from cases import services as cases_services
from cases.models import Case
from parcels.models import Parcel
from surveys import services
from surveys.compare import to_srid
from surveys.selectors import latest_survey

# (final status, the steps to it) — the survey decision's declared workflow.
PATHS = [
    ("submitted", []),
    ("in_review", ["start_review"]),
    ("returned", ["start_review", "return"]),
    ("submitted", ["start_review", "return", "resubmit"]),
    ("approved", ["start_review", "approve"]),  # billed: the demo pays some, the bank page the others
    ("approved", ["start_review", "return", "resubmit", "start_review", "approve"]),
    ("approved", ["start_review", "approve"]),  # the payments' demo pays these over the past year (issued)
    ("approved", ["start_review", "approve"]),
    ("approved", ["start_review", "approve"]),
    ("approved", ["start_review", "approve"]),
    ("rejected", ["start_review", "reject"]),
    ("withdrawn", ["withdraw"]),
]


def survey_csv(parcel: Parcel, *, shift_m: float, srid: int) -> bytes:
    """The parcel's corners in ``srid`` (UTM), moved by ``shift_m`` metres east, as a surveyor's table."""
    outline = services._register_outline(parcel)
    utm = affinity.translate(to_srid(outline, 4326, srid), xoff=shift_m)
    rows = ["point,E,N"] + [f"P{i + 1},{x:.3f},{y:.3f}" for i, (x, y) in enumerate(list(utm.exterior.coords)[:-1])]
    return ("\n".join(rows) + "\n").encode()


def _apply(ctx, owner, parcel, *, shift_m: float) -> Case:
    from geo.crs import utm_srid_for_lon

    srid = 32600 + utm_srid_for_lon(parcel.geom.centroid.x) - 9356 + 36  # WGS 84 / UTM of the parcel's zone
    upload = SimpleUploadedFile("survey.csv", survey_csv(parcel, shift_m=shift_m, srid=srid), "text/csv")
    return cases_services.case_apply(
        municipality=ctx.municipality, case_type=services.CODE, actor=ctx.users["office"],
        data={"deed_number": parcel.deed_number, "purpose": "new_building", "survey_crs": str(srid)},
        parties=[(owner, "applicant"), (ctx.people.office, "designer_office")], parcels=[parcel],
        files={"survey": upload})


def generate(ctx) -> None:
    if Case.objects.filter(municipality=ctx.municipality, case_type=services.CODE).exists():
        ctx.log("survey decisions: already there")
        return
    reviewer, office = ctx.users["reviewer"], ctx.users["office"]
    # The owners' own parcels first (the office is engaged by each of them), then others of the city.
    pairs = [(o, p) for o in ctx.people.owners for p in ctx.people.parcels.get(o.pk, []) if p.deed_number]
    taken = {p.pk for _o, p in pairs}
    others = Parcel.objects.filter(municipality=ctx.municipality, valid_to__isnull=True).exclude(deed_number="") \
        .exclude(pk__in=taken).order_by("id")[: len(PATHS) * 2]
    pairs += [(ctx.people.owners[i % len(ctx.people.owners)], p) for i, p in enumerate(others)]
    made = 0
    for i, (steps, (owner, parcel)) in enumerate(zip([s for _st, s in PATHS * 2], pairs, strict=False)):
        shift = 0.2 if i % 3 else 1.2  # every third beyond the corner-shift tolerance
        with transaction.atomic():
            case = _apply(ctx, owner, parcel, shift_m=shift)
            for step in steps:
                if step == "resubmit":
                    survey = latest_survey(case=case)
                    services.survey_add_version(case=case, actor=office, upload=SimpleUploadedFile(
                        "survey-2.csv", survey_csv(survey.parcel, shift_m=0.1, srid=survey.source_srid), "text/csv"))
                if step == "approve" and not latest_survey(case=case).within_tolerance:
                    services.survey_accept_deviation(case=case, actor=reviewer,
                                                     reason="فرق ضمن حدود الرصد الميداني")
                actor = office if step in ("resubmit", "withdraw") else reviewer
                note = {"return": "يرجى تصحيح إحداثيات الركن الثالث", "reject": "الرفع لا يخص القطعة"}.get(step)
                case = cases_services.case_transition(case=case, transition=step, actor=actor,
                                                      expected_version=case.version, note=note)
        made += 1
    ctx.log(f"survey decisions: {made} cases")

