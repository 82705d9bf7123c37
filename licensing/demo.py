"""Licensing's part of the demo (``LicensingConfig.demo_part``): the health inspectors' districts, establishments
with their workers' health certificates, licenses across their states (applied, in review, awaiting the
pre-opening visit, awaiting payment, active, in the renewal window, expired, suspended after a grave violation,
cancelled, refused), past visits with their violations and fines, today's visits and each inspector's route on
the street network. Everything through the services; bills paid as SADAD would tell us. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from cases.services import case_apply, case_transition
from common.errors import RegisterError
from licensing.eligibility import eligibility_check
from licensing.models import (
    Activity,
    Establishment,
    HealthCertificate,
    InspectorArea,
    License,
    LicenseStatus,
    Visit,
    VisitStatus,
)
from licensing.reference_data import reference_ensure
from licensing.routes import routes_plan
from licensing.schedule import inspector_for, licenses_expire_due, visits_schedule_due
from licensing.services.visits import FINE_CASE, visit_record
from parcels.models import District, Parcel
from payments.demo import pay_case

COUNT = 48
ACTIVITIES = ["G01", "R01", "C01", "S01", "P01", "T01", "B01", "F01", "L01", "W01"]
NAMES = {"G01": "بقالة", "R01": "مطعم", "C01": "مقهى", "S01": "صالون", "P01": "صيدلية", "T01": "محل ملابس",
         "B01": "مخبز", "F01": "خضار وفواكه", "L01": "مغسلة", "W01": "ورشة"}
TRADE = ["النور", "الواحة", "الرس", "القصيم", "الأمل", "السنابل", "الريان", "البركة", "الخير", "النخيل", "الهدى",
         "الفجر"]
SIZES = ["micro", "small", "small", "medium", "large"]
# What becomes of the n-th license (cycled); "active" most of the time.
FATES = ["active", "active", "active", "active", "renewal_window", "active", "in_review", "active", "awaiting_payment",
         "active", "inspection", "active", "expired", "active", "suspended", "active", "cancelled", "submitted",
         "active", "rejected"]


def _areas(ctx) -> None:
    districts = list(District.objects.filter(municipality=ctx.municipality).order_by("code"))
    inspectors = [ctx.users["health"], ctx.users["health2"]]
    for i, district in enumerate(districts):
        InspectorArea.objects.get_or_create(municipality=ctx.municipality, district=district,
                                            inspector=inspectors[i * len(inspectors) // max(1, len(districts))])


def _sites(ctx):
    """Built commercial parcels over the whole city: a first pass a stride apart, then the ones between."""
    ids = list(Parcel.objects.filter(municipality=ctx.municipality, valid_to__isnull=True, land_use="commercial",
                                     status="built").order_by("id").values_list("id", flat=True))
    stride = max(1, len(ids) // COUNT)
    for i in sorted(range(len(ids)), key=lambda i: (i % stride, i)):
        yield Parcel.objects.get(pk=ids[i])


IMMEDIATE = ["G01", "T01", "L01", "S01", "F01"]
REVIEWED = ["R01", "C01", "P01", "B01", "W01"]
GRAVE = ["R01", "B01", "C01", "F01"]  # their checklists have a grave item (pests, gas)
CHOICES = {"awaiting_payment": IMMEDIATE, "submitted": REVIEWED, "in_review": REVIEWED, "inspection": REVIEWED,
           "rejected": REVIEWED, "suspended": GRAVE, "cancelled": GRAVE}


def _apply(ctx, parcel: Parcel, n: int, fate: str) -> Case | None:
    point = parcel.geom.point_on_surface
    activities = {a.code: a for a in Activity.objects.all()}
    choices = CHOICES.get(fate, ACTIVITIES)
    for k in range(len(choices)):
        code = choices[(n + k) % len(choices)]
        if eligibility_check(municipality_id=ctx.municipality.pk, activity=activities[code], point=point).eligible:
            break
    else:
        return None
    owner = ctx.people.owners[n % len(ctx.people.owners)]
    name = f"{NAMES[code]} {TRADE[n % len(TRADE)]}"
    data = {"activity": code, "cr_number": f"{4031100000 + n}", "trade_name": name,
            "size_class": SIZES[n % len(SIZES)], "area_m2": Decimal(40 + (n * 37) % 260),
            "opens": ["07:00", "08:00", "09:00", "16:00"][n % 4], "closes": ["13:00", "23:00", "22:00", "23:59"][n % 4]}
    if n % 3 == 0:
        data["signboard_m2"] = Decimal(2 + n % 5)
    if code in ("R01", "B01", "G01") and n % 2:
        data["home_delivery"] = True
    return case_apply(municipality=ctx.municipality, case_type="commercial_license", actor=owner.user or "demo",
                      data=data, parties=[(owner, "applicant")], point=point)


def _yes(license: License) -> dict:
    return {i.code: True for i in license.activity.checklist.all()}


def _to_active(ctx, case: Case) -> License:
    license = License.objects.get(case=case)
    if case.status == "submitted":
        case = case_transition(case=case, transition="start_review", actor=ctx.users["licensing"],
                               expected_version=None)
        case = case_transition(case=case, transition="request_inspection", actor=ctx.users["licensing"],
                               expected_version=None)
        visit = Visit.objects.get(origin_case=case, status=VisitStatus.PLANNED)
        visit_record(visit=visit, actor=visit.inspector or ctx.users["health"], answers=_yes(license))
        case.refresh_from_db()
    pay_case(ctx, case)
    license.refresh_from_db()
    return license


def _age(license: License, *, expires_in_days: int) -> None:
    """As if issued a year before it now expires (renewal window, expired)."""
    expires = timezone.localdate() + timedelta(days=expires_in_days)
    License.objects.filter(pk=license.pk).update(expires_on=expires, issued_on=expires - timedelta(days=365))


def _fate(ctx, case: Case, fate: str) -> None:
    officer = ctx.users["licensing"]
    if fate in ("submitted", "awaiting_payment"):  # as applied: a reviewed one waits, an immediate one is billed
        return
    if fate in ("in_review", "inspection", "rejected") and case.status == "submitted":
        case = case_transition(case=case, transition="start_review", actor=officer, expected_version=None)
        if fate == "inspection":
            case_transition(case=case, transition="request_inspection", actor=officer, expected_version=None)
        elif fate == "rejected":
            case_transition(case=case, transition="reject", actor=officer, expected_version=None,
                            note="النشاط يحتاج مدخلاً مستقلاً ومواقف وفق الاشتراطات")
        return
    license = _to_active(ctx, case)
    if fate == "renewal_window":
        _age(license, expires_in_days=40)
    elif fate == "expired":
        _age(license, expires_in_days=-20)
    elif fate in ("suspended", "cancelled"):
        inspector = inspector_for(license.premises) or ctx.users["health"]
        visit = Visit.objects.create(municipality=ctx.municipality, premises=license.premises, license=license,
                                     due_on=timezone.localdate() - timedelta(days=5), geom=license.geom,
                                     inspector=inspector)
        grave = next(i.code for i in license.activity.checklist.all() if i.severity == "grave")
        outcome = visit_record(visit=visit, actor=inspector, answers=_yes(license) | {grave: False},
                               notes="مخالفة جسيمة: " + grave)
        if fate == "cancelled":
            case_transition(case=outcome.closure_case, transition="cancel_license",
                            actor=ctx.users["inspsupervisor"], expected_version=None,
                            note="تكرار المخالفة الجسيمة بعد الإغلاق")


def _past_visits(ctx, licenses: list[License]) -> int:
    """Visits done in the past weeks with a few violations: fines (some paid), grace periods; one "yes" to the
    health certificates that the records contradict."""
    done, contradicted = 0, False
    for n, license in enumerate(licenses):
        if license.status != LicenseStatus.ACTIVE or n % 2 or license.premises.visits.filter(
                status=VisitStatus.PLANNED).exists():
            continue
        visit = Visit.objects.create(municipality=ctx.municipality, premises=license.premises, license=license,
                                     due_on=timezone.localdate() - timedelta(days=10 + n), geom=license.geom,
                                     inspector=inspector_for(license.premises) or ctx.users["health"])
        items = [i for i in license.activity.checklist.all() if i.severity != "grave"]
        answers = _yes(license) | {items[(n // 2) % len(items)].code: False}
        if not contradicted and answers.get("HC"):  # a "yes" the records contradict: a certificate had lapsed
            contradicted = True
            establishment = license.premises.establishment
            HealthCertificate.objects.get_or_create(
                municipality=ctx.municipality, number=f"HC-{establishment.cr_number}-L", defaults={
                    "establishment": establishment, "holder_name": "سالم أحمد", "holder_id_number": "2199999999",
                    "expires_on": visit.due_on - timedelta(days=20)})
        outcome = visit_record(visit=visit, actor=visit.inspector, answers=answers,
                               done_at=timezone.now() - timedelta(days=10 + n))
        if outcome.fine_case is not None and n % 3 == 0:
            pay_case(ctx, outcome.fine_case)
        done += 1
    return done


OBJECTION_GROUNDS = ("كانت الثلاجة في الصيانة يوم الزيارة، ومرفق تقرير الفني.",
                     "المخالفة صُححت قبل انتهاء الزيارة بحضور المراقب.")


def _objections(ctx) -> int:
    """Two unpaid fines objected to by their owners (from the portal): one waiting for the department
    supervisor's decision, one upheld and back with the inspection supervisor to confirm or waive."""
    from cases.objections import objection_file

    fines = list(Case.objects.filter(municipality=ctx.municipality, case_type=FINE_CASE, status="billed")
                 .order_by("id")[:2])
    for n, case in enumerate(fines):
        objection = objection_file(case=case, actor="demo: portal", grounds=OBJECTION_GROUNDS[n])
        if n == 1:
            boss = ctx.users["supervisor"]
            ocase = case_transition(case=objection.case, transition="start_review", actor=boss,
                                    expected_version=None)
            case_transition(case=ocase, transition="uphold", actor=boss, expected_version=None)
    return len(fines)


def _due_today(ctx) -> int:
    """Routine visits due today (a few overdue) for the licenses whose turn it is, and the schedule's job."""
    today = timezone.localdate()
    active = list(License.objects.filter(municipality=ctx.municipality, status=LicenseStatus.ACTIVE)
                  .exclude(premises__visits__status=VisitStatus.PLANNED).order_by("id"))
    for n, license in enumerate(active):
        if n % 3 != 2:
            License.objects.filter(pk=license.pk).update(next_visit_on=today - timedelta(days=n % 4))
    return visits_schedule_due(municipality_id=ctx.municipality.pk, today=today)


def generate(ctx) -> None:
    reference_ensure()
    _areas(ctx)
    if License.objects.filter(municipality=ctx.municipality).exists():
        ctx.log("licensing: already there; today's routes again")
        _routes(ctx)
        return
    licenses, made = [], 0
    for n, parcel in enumerate(_sites(ctx)):
        if made >= COUNT:
            break
        try:
            with transaction.atomic():
                case = _apply(ctx, parcel, n, FATES[made % len(FATES)])
                if case is None:
                    continue
                _fate(ctx, case, FATES[made % len(FATES)])
        except RegisterError as exc:  # a site the demo cannot use is skipped, and said so
            ctx.log(f"licensing: parcel {parcel.number} skipped ({exc})")
            continue
        licenses.append(License.objects.get(case=case))
        made += 1
    for n, establishment in enumerate(Establishment.objects.filter(municipality=ctx.municipality).order_by("id")):
        for k in range(2):
            HealthCertificate.objects.get_or_create(
                municipality=ctx.municipality, number=f"HC-{establishment.cr_number}-{k + 1}", defaults={
                    "establishment": establishment, "holder_name": ["محمد علي", "Rahim Uddin"][k],
                    "holder_id_number": f"{2100000000 + n * 2 + k}",
                    "expires_on": timezone.localdate() + timedelta(days=(-15 if (n + k) % 5 == 0 else 200))})
    expired = licenses_expire_due()
    past = _past_visits(ctx, [License.objects.get(pk=lic.pk) for lic in licenses])
    objected = _objections(ctx)
    due = _due_today(ctx)
    ctx.log(f"licensing: {made} licenses ({expired} expired), {past} past visits, {objected} fines objected to, "
            f"{due} routine visits due")
    _routes(ctx)


def _routes(ctx) -> None:
    try:
        routes = routes_plan(municipality=ctx.municipality, day=timezone.localdate())
    except RegisterError as exc:
        ctx.log(f"licensing: no routes ({exc})")
        return
    for r in routes:
        ctx.log(f"licensing: {r.inspector.username}'s route today: {len(r.stops)} visits, {r.length_m / 1000:.1f} km "
                f"(nearest-next {r.naive_length_m / 1000:.1f} km)")
