"""A building permit walked through its declared workflow with the real check, fees, SADAD payment records, the
backbone's events, the certificate and the parcel's status (a real PostGIS; the worker's part done in process,
as tests/surveys does; the browser walk goes through the real worker and simulator)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import ChangeRecord
from cases.events import event_apply
from cases.models import Case, EntryKind, TimelineEntry
from cases.services import case_transition
from common.errors import GuardError, NotPermitted, RegisterError
from payments.models import Bill
from permits.models import Permit, Proposal, RuleSet
from permits.selectors_cases import latest_proposal
from permits.services import permit_draft_create, proposal_add, proposal_justify
from permits.services.linked import follow_up_apply
from tests.permits.conftest import villa
from tests.surveys.conftest import pay_in_process as pay


def step(case, name, actor, note=None):
    return case_transition(case=case, transition=name, actor=actor, expected_version=None, note=note)


@pytest.fixture
def draft(town, plot, owner, designer, office):
    return permit_draft_create(municipality=town, actor=designer, parcel=plot, applicant=owner,
                               parties=[(office, "designer_office")], data={"with_fence": True})


def test_a_villa_inside_its_envelope_is_permitted_billed_issued_built(draft, designer, engineer, approver,
                                                                     inspector, plot):
    proposal = proposal_add(case=draft, actor=designer, proposal=villa())
    assert proposal.passed, [r for r in proposal.check_result["results"] if not r["passed"]]
    assert proposal.check_result["envelope_area_m2"] == pytest.approx(384, abs=0.5)
    case = step(draft, "submit", designer)
    case = step(case, "start_review", engineer)
    case = step(case, "recommend", engineer)
    case = step(case, "approve", approver)
    assert case.status == "approved"
    bill = Bill.objects.get(case=case)
    # Category 3: floor area (308 + 308 + 80 m²) x SAR 1.80, and the wall: 20 m of frontage x SAR 5.
    assert bill.amount == Decimal("696") * Decimal("1.80") + Decimal("100.00")
    assert pay(case) == "issue"
    case.refresh_from_db()
    assert case.status == "issued"
    permit = Permit.objects.get(case=case)
    assert permit.number == f"RAS-BP-{permit.number.split('-')[2]}-00001"
    assert permit.valid_until == permit.issued_on.replace(year=permit.issued_on.year + 3)
    assert permit.floors == 2 and permit.floor_area_m2 == pytest.approx(696, abs=0.5)
    assert permit.certificate is not None and permit.certificate.pdf.size > 5000
    assert permit.certificate.approver_name  # signed by the approver of the step "approve"
    plot.refresh_from_db()
    assert plot.status == "vacant"

    case = step(case, "start_construction", inspector)
    plot.refresh_from_db()
    assert plot.status == "under_construction"
    assert ChangeRecord.objects.filter(entity="parcels.parcel", object_id=plot.pk,
                                       changes__status=["vacant", "under_construction"]).exists()

    occupancy = follow_up_apply(case_type="occupancy_certificate", municipality=case.municipality, actor=designer,
                                data={"permit_number": permit.number})
    occupancy = step(occupancy, "inspect", inspector, note="built as permitted")
    occupancy = step(occupancy, "approve", approver)
    assert pay(occupancy) == "issue"
    assert event_apply(case_id=case.pk, event="occupancy.issued") == "complete"
    case.refresh_from_db()
    plot.refresh_from_db()
    permit.refresh_from_db()
    assert (case.status, plot.status, permit.status) == ("completed", "built", "completed")


def test_a_failing_check_needs_a_justification_to_be_submitted(draft, designer):
    proposal = proposal_add(case=draft, actor=designer, proposal=villa(ground=(1, 1, 19, 29)))
    failing = {r["rule"] for r in proposal.check_result["results"] if not r["passed"]}
    assert {"setback_front", "setback_side", "setback_rear"} <= failing
    front = next(r for r in proposal.check_result["results"] if r["rule"] == "setback_front")
    assert front["violation"] is not None and "شارع الأمير" in front["explain_ar"]
    with pytest.raises(GuardError) as refused:
        step(draft, "submit", designer)
    assert "setback_front" in str(refused.value)
    proposal_justify(case=draft, actor=designer, justification="the neighbours are built to the line")
    assert step(draft, "submit", designer).status == "submitted"


def test_a_footprint_outside_the_parcel_is_refused_and_nothing_is_stored(draft, designer):
    with pytest.raises(RegisterError) as refused:
        proposal_add(case=draft, actor=designer, proposal=villa(ground=(300, 300, 320, 320)))
    assert refused.value.where.startswith("proposal.floors[0]")  # the check says where (docs/permits-check.md)
    assert not Proposal.objects.filter(case=draft).exists()


def test_who_may_send_a_proposal_follows_the_status(draft, designer, engineer):
    with pytest.raises(NotPermitted):
        proposal_add(case=draft, actor=engineer, proposal=villa())  # a draft is the applicant's
    proposal_add(case=draft, actor=designer, proposal=villa())
    case = step(step(draft, "submit", designer), "start_review", engineer)
    with pytest.raises(NotPermitted):
        proposal_add(case=case, actor=designer, proposal=villa())  # in review: the reviewer corrects
    corrected = proposal_add(case=case, actor=engineer, proposal=villa(ground=(3, 5, 17, 25)))
    assert corrected.number == 2 and Proposal.objects.filter(case=case).count() == 2


def test_rules_changed_after_submission_do_not_touch_the_application(draft, designer, engineer, r1, town, plot,
                                                                     owner):
    proposal_add(case=draft, actor=designer, proposal=villa())
    case = step(draft, "submit", designer)
    # Submitted ten days ago; a stricter version 2 (side setback 4 m) is in force since five days ago.
    TimelineEntry.objects.filter(case=case, kind=EntryKind.TRANSITION).update(at=timezone.now() - timedelta(days=10))
    today = timezone.localdate()
    RuleSet.objects.filter(pk=r1.pk).update(valid_to=today - timedelta(days=6))
    v2 = RuleSet.objects.create(**{**{f.name: getattr(r1, f.name) for f in RuleSet._meta.concrete_fields
                                      if f.name not in ("id", "created_at", "updated_at")},
                                   "number": 2, "valid_from": today - timedelta(days=5), "valid_to": None,
                                   "side_setback_m": 4})
    case = step(step(case, "start_review", engineer), "return", engineer, note="move it")
    again = proposal_add(case=case, actor=designer, proposal=villa())
    assert again.rule_set_id == r1.pk and again.passed  # version 1: side setback 2 m
    assert again.rules_date == today - timedelta(days=10)
    # A new application today is checked against version 2: the same villa breaks the 4 m side setback.
    fresh = permit_draft_create(municipality=town, actor=designer, parcel=plot, applicant=owner)
    checked = proposal_add(case=fresh, actor=designer, proposal=villa())
    assert checked.rule_set_id == v2.pk and not checked.passed
    assert [r["rule"] for r in checked.check_result["results"] if not r["passed"]] == ["setback_side"]


def test_a_renewal_paid_extends_the_term_and_a_fine_is_billed_from_the_schedule(draft, designer, engineer,
                                                                               approver, inspector):
    proposal_add(case=draft, actor=designer, proposal=villa())
    case = draft
    for name, who in (("submit", designer), ("start_review", engineer), ("recommend", engineer),
                      ("approve", approver)):
        case = step(case, name, who)
    pay(case)
    permit = Permit.objects.get(case=case)
    before = permit.valid_until
    renewal = follow_up_apply(case_type="permit_renewal", municipality=case.municipality, actor=designer,
                              data={"permit_number": permit.number})
    step(renewal, "approve", engineer)
    assert pay(renewal) == "renew"
    permit.refresh_from_db()
    assert permit.valid_until == before.replace(year=before.year + 3)
    violation = follow_up_apply(case_type="building_violation", municipality=case.municipality, actor=inspector,
                                data={"permit_number": permit.number, "violation": "site_safety", "count": 2})
    step(violation, "approve", approver)
    assert Bill.objects.get(case=violation).amount == Decimal("4000.00")
    with pytest.raises(RegisterError):  # an occupancy certificate needs construction started
        follow_up_apply(case_type="occupancy_certificate", municipality=case.municipality, actor=designer,
                        data={"permit_number": permit.number})
    assert Case.objects.filter(case_type="occupancy_certificate").count() == 0
    assert latest_proposal(case=case).passed


def test_an_unknown_use_is_refused_and_a_reviewer_applies_at_the_counter(draft, designer, engineer, town, plot,
                                                                        owner):
    with pytest.raises(RegisterError) as refused:
        proposal_add(case=draft, actor=designer, proposal=villa(use="casino"))
    assert refused.value.code == "use" and not Proposal.objects.filter(case=draft).exists()
    at_counter = permit_draft_create(municipality=town, actor=engineer, parcel=plot, applicant=owner)
    assert at_counter.status == "draft"
    stranger = type(owner).objects.create(kind="person", name_ar="آخر", national_id="1055555555")
    with pytest.raises(NotPermitted):  # an applicant user names only parties they act for
        permit_draft_create(municipality=town, actor=designer, parcel=plot, applicant=stranger)


def test_a_permit_whose_term_ended_unbuilt_expires_and_a_renewal_revives_it(draft, designer, engineer, approver):
    from permits.services.workflow import permits_expire_due

    proposal_add(case=draft, actor=designer, proposal=villa())
    case = draft
    for name, who in (("submit", designer), ("start_review", engineer), ("recommend", engineer),
                      ("approve", approver)):
        case = step(case, name, who)
    pay(case)
    permit = Permit.objects.get(case=case)
    assert permits_expire_due(today=permit.valid_until) == 0  # its last day: still valid
    assert permits_expire_due(today=permit.valid_until + timedelta(days=1)) == 1
    permit.refresh_from_db()
    assert permit.status == "expired"
    assert ChangeRecord.objects.filter(entity="permits.permit", object_id=permit.pk,
                                       changes__status=["issued", "expired"]).exists()
    renewal = follow_up_apply(case_type="permit_renewal", municipality=case.municipality, actor=designer,
                              data={"permit_number": permit.number})
    step(renewal, "approve", engineer)
    pay(renewal)
    permit.refresh_from_db()
    assert permit.status == "issued" and permit.valid_until > timezone.localdate()
