"""The demo's part of complaints: each district of the demo city routed to one of two handlers (the western half
to ``complaints``, the rest to ``complaints2``), building violations to the building inspector and shop hygiene
to the health inspectors' queue; thirty reports by the demo's owners at places in the districts, walked to every
state (accepted, in progress, resolved and rated, closed, not accepted), some joined by a neighbour."""

from __future__ import annotations

from cases import services
from cases.services import case_apply
from common.errors import RegisterError
from complaints.models import Category, Complaint, Routing
from complaints.reference import categories_sync
from complaints.services import complaint_join, complaint_rate
from parcels.models import District, Parcel

REPORTS = 30
TEXTS = {
    "pothole": "حفرة في الطريق أمام المنازل تسبب خطرًا على السيارات",
    "lighting": "عمود الإنارة لا يعمل منذ أسبوع",
    "waste": "تراكم النفايات بجوار الحاوية",
    "stray_animals": "كلاب ضالة في الحي ليلًا",
    "building_violation": "بناء ملحق على السطح دون رخصة",
    "shop_hygiene": "رائحة كريهة من المطعم وتراكم الدهون",
    "suggestion": "نقترح زراعة أشجار في الحديقة العامة",
}
WALKS = [[], ["accept"], ["accept", "start"], ["accept", "start", "resolve"], ["accept", "resolve", "rate"],
         ["reject"], ["accept", "start", "resolve", "rate"]]


def routing_ensure(ctx) -> None:
    muni = ctx.municipality
    districts = list(District.objects.filter(municipality=muni).order_by("code"))
    half = max(1, len(districts) // 2)
    for i, district in enumerate(districts):
        handler = ctx.users["complaints"] if i < half else ctx.users["complaints2"]
        Routing.objects.get_or_create(municipality=muni, district=district, category=None,
                                      defaults={"handler": handler, "role": "complaints_handler"})
    for code, role in (("building_violation", "building_inspector"), ("shop_hygiene", "health_inspector")):
        Routing.objects.get_or_create(municipality=muni, district=None, category=Category.objects.get(code=code),
                                      defaults={"role": role})


def generate(ctx) -> None:
    categories_sync()
    routing_ensure(ctx)
    muni = ctx.municipality
    if Complaint.objects.filter(municipality=muni).count() >= REPORTS:
        ctx.log("complaints: already there")
        return
    categories = list(Category.objects.all())
    owners = ctx.people.owners
    parcels = list(Parcel.objects.filter(municipality=muni, valid_to__isnull=True).order_by("id")
                   .values_list("id", flat=True))
    made = 0
    for n in range(REPORTS):
        category = categories[n % len(categories)]
        parcel = Parcel.objects.get(pk=parcels[ctx.rng.randrange(len(parcels))])
        reporter = owners[n % len(owners)]
        try:
            case = case_apply(municipality=muni, case_type="complaint", actor=reporter.user or "demo",
                              data={"category": category.code, "description": TEXTS.get(category.code, "بلاغ"),
                                    "recipient": "council" if n % 10 == 9 else "municipality"},
                              parties=[(reporter, "applicant")], point=parcel.geom.point_on_surface)
        except RegisterError as exc:
            ctx.log(f"complaints: report {n} not filed: {exc}")
            continue
        made += 1
        complaint = Complaint.objects.get(case=case)
        if n % 6 == 1:
            complaint_join(complaint=complaint, party=owners[(n + 1) % len(owners)], actor="demo")
        _walk(ctx, complaint, WALKS[n % len(WALKS)])
    ctx.log(f"complaints: {made} reports filed and handled")


def _walk(ctx, complaint: Complaint, steps: list[str]) -> None:
    case = complaint.case
    for step in steps:
        if step == "rate":
            complaint_rate(complaint=complaint, rating=ctx.rng.choice([3, 4, 5]), note="شكرًا على سرعة الاستجابة")
            reporter = complaint.reporter
            actor = getattr(getattr(reporter, "person", None), "user", None) or _handler(ctx, case)
            case = services.case_transition(case=case, transition="close", actor=actor, expected_version=None)
            continue
        note = {"resolve": "تمت معالجة البلاغ ميدانيًا", "reject": "البلاغ خارج اختصاص البلدية"}.get(step)
        try:
            case = services.case_transition(case=case, transition=step, actor=_handler(ctx, case),
                                            expected_version=None, note=note)
        except RegisterError as exc:
            ctx.log(f"complaints: {case.number} stays {case.status}: {exc}")
            return


def _handler(ctx, case):
    if case.assignee_id:
        return case.assignee
    role = case.queue_role.code if case.queue_role_id else "complaints_handler"
    by_role = {"building_inspector": "inspector", "health_inspector": "health", "council_secretary": "council"}
    return ctx.users[by_role.get(role, "complaints")]
