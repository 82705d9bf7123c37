"""The permits' part of the demo (``PermitsConfig.demo_part``): the demo city's building rules (``permits.seed``)
and building permits in every state — drafts, in review, returned and corrected, approved awaiting payment,
issued, under construction with an inspection and a violation, completed with an occupancy certificate,
rejected, withdrawn — each made through the services, its proposal drawn inside the parcel's buildable envelope
(one deliberately not, then corrected). Its bills are paid here, as SADAD would tell us. Idempotent."""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone
from pyproj import Transformer
from shapely import affinity
from shapely.geometry import mapping, shape

from cases import services as cases_services
from cases.events import event_apply
from cases.models import Case
from common.errors import RegisterError
from parcels.models import Parcel
from payments.demo import pay_case
from permits import inputs, seed
from permits.check import describe_site
from permits.check.contract import reproject
from permits.models import RuleSet
from permits.services import applications, linked
from permits.services.applications import permit_draft_create, proposal_add
from permits.services.rules import rule_set_new_version

# (the walk of each demo permit, by who takes it): a step name, or a marker the demo acts on itself.
PATHS = [
    ["draft"],
    ["submit"],
    ["submit", "start_review"],
    ["bad", "justify", "submit", "start_review"],
    ["bad", "justify", "submit", "start_review", "return"],
    ["bad", "justify", "submit", "start_review", "return", "correct", "resubmit"],
    ["submit", "start_review", "recommend"],
    ["submit", "start_review", "recommend", "approve"],
    ["submit", "start_review", "recommend", "approve", "pay"],
    ["submit", "start_review", "recommend", "approve", "pay", "start_construction", "inspection", "violation"],
    ["submit", "start_review", "recommend", "approve", "pay", "start_construction", "occupancy"],
    ["submit", "start_review", "recommend", "approve", "pay", "renewal"],
    ["bad", "justify", "submit", "start_review", "reject"],
    ["submit", "withdraw"],
]
STAFF_STEPS = {"start_review": "engineer", "recommend": "engineer", "return": "engineer", "reject": "engineer",
               "approve": "approver", "start_construction": "inspector"}
NOTES = {"return": "يرجى إزاحة المبنى عن الارتداد الأمامي وفق الاشتراطات",
         "reject": "لا يمكن قبول التجاوز على الارتدادات في هذا الموقع"}


def _shapes(site: dict):
    project = Transformer.from_crs(4326, site["metric_srid"], always_xy=True).transform
    back = Transformer.from_crs(site["metric_srid"], 4326, always_xy=True).transform
    return project, back


def building(site: dict, parcel: Parcel | None, *, good: bool) -> dict:
    """A two-floor villa with a roof annex: inside the envelope (less a metre) when ``good``, else over the
    whole of ``parcel`` less half a metre (into every setback)."""
    project, back = _shapes(site)
    if good:
        ground = reproject(project, shape(site["envelope"])).buffer(-1.0, join_style="mitre")
    else:
        ground = reproject(project, shape(json.loads(parcel.geom.geojson))).buffer(-0.5, join_style="mitre")
    if ground.geom_type == "MultiPolygon":
        ground = max(ground.geoms, key=lambda g: g.area)
    annex = affinity.scale(ground, 0.5, 0.5)

    def geo(g):
        return mapping(reproject(back, g))

    return {"use": "residential", "units": 1, "parking_spaces": 2, "height_m": "9.5",
            "floors": [{"kind": "ground", "level": 0, "footprint": geo(ground)},
                       {"kind": "upper", "level": 1, "footprint": geo(ground)},
                       {"kind": "annex", "level": 2, "footprint": geo(annex)}]}


def _parcels(ctx, count: int) -> list[tuple[Parcel, dict]]:
    """Vacant residential parcels of the villa zone (R1) whose site the check can describe (rules, a street in
    front): the demo's villa is drawn for R1's figures."""
    out = []
    for parcel in (Parcel.objects.filter(municipality=ctx.municipality, valid_to__isnull=True, status="vacant",
                                         land_use="residential").order_by("id")[: count * 4]):
        try:
            given = inputs.check_inputs(parcel=parcel, on=timezone.localdate())
            if given["rules"]["source"]["code"] != "R1":
                continue
            site = describe_site(given)
        except RegisterError as exc:  # a parcel the demo cannot use is skipped, and said so
            ctx.log(f"permits: parcel {parcel.number} skipped ({exc})")
            continue
        if any(e["kind"] == "front" for e in site["edges"]):
            out.append((parcel, site))
        if len(out) == count:
            break
    return out


def _follow_up(ctx, case_type: str, permit_case: Case, actor, data: dict, steps=()) -> Case:
    from permits.selectors_cases import permit_of

    permit = permit_of(case=permit_case)
    follow = linked.follow_up_apply(case_type=case_type, municipality=ctx.municipality, actor=actor,
                                    data={"permit_number": permit.number, **data})
    for step, who, note in steps:
        follow = cases_services.case_transition(case=follow, transition=step, actor=ctx.users[who],
                                                expected_version=None, note=note)
        if step == "approve":
            pay_case(ctx, follow)
            follow.refresh_from_db()
    return follow


def _walk(ctx, parcel: Parcel, site: dict, path: list[str], owner) -> Case:
    office = ctx.users["office"]
    case = permit_draft_create(municipality=ctx.municipality, actor=office, parcel=parcel, applicant=owner,
                               parties=[(ctx.people.office, "designer_office")], data={"with_fence": True})
    bad = "bad" in path
    proposal_add(case=case, actor=office, proposal=building(site, parcel, good=not bad))
    for step in path:
        if step in ("draft", "bad"):
            continue
        if step == "justify":
            applications.proposal_justify(case=case, actor=office,
                                          justification="القطعة ضيقة والمبنى على امتداد مباني الجوار القائمة")
        elif step == "correct":
            proposal_add(case=case, actor=office, proposal=building(site, parcel, good=True))
        elif step == "pay":
            pay_case(ctx, case)
        elif step == "inspection":
            _follow_up(ctx, "construction_inspection", case, ctx.users["inspector"], {"stage": "structure"},
                       steps=[("record_visit", "inspector", "الأعمال الإنشائية مطابقة للمخططات المعتمدة")])
        elif step == "violation":
            _follow_up(ctx, "building_violation", case, ctx.users["inspector"],
                       {"violation": "site_safety", "count": 1},
                       steps=[("notify_owner", "inspector", "عدم وجود سياج حماية للموقع؛ مهلة ١٤ يوماً")])
        elif step == "occupancy":
            _follow_up(ctx, "occupancy_certificate", case, office, {},
                       steps=[("inspect", "inspector", "المبنى منفذ وفق الرخصة"), ("approve", "approver", None)])
            event_apply(case_id=case.pk, event="occupancy.issued")
        elif step == "renewal":
            _follow_up(ctx, "permit_renewal", case, office, {})
        else:
            actor = ctx.users[STAFF_STEPS[step]] if step in STAFF_STEPS else office
            case = cases_services.case_transition(case=case, transition=step, actor=actor, expected_version=None,
                                                  note=NOTES.get(step))
        case.refresh_from_db()
    return case


def generate(ctx) -> None:
    rule_sets = seed.demo_rules_ensure(municipality=ctx.municipality)
    ctx.log(f"permits: {len(rule_sets)} rule set(s)")
    villas = next((r for r in rule_sets if r.regulation.code == "R1"), None)
    if villas is not None and not RuleSet.objects.filter(regulation=villas.regulation, status="draft").exists():
        rule_set_new_version(rule_set=villas, actor=ctx.users["planner"], side_setback_m=3,
                             notes="مسودة للدراسة: رفع الارتداد الجانبي إلى ٣ م (لم تُعتمد)")
        ctx.log("permits: a draft R1 version for the what-if")
    if Case.objects.filter(municipality=ctx.municipality, case_type="building_permit").exists():
        ctx.log("permits: already there")
        return
    sites = _parcels(ctx, len(PATHS))
    made = 0
    for i, (path, (parcel, site)) in enumerate(zip(PATHS, sites, strict=False)):
        owner = ctx.people.owners[i % len(ctx.people.owners)]
        with transaction.atomic():
            case = _walk(ctx, parcel, site, path, owner)
        made += 1
        ctx.log(f"permits: {case.number} {case.status}")
    ctx.log(f"permits: {made} building permit case(s)")
