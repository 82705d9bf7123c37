"""The what-if of a draft rule set across a district, with answers by hand: raising the side setback from 2 to 3 m
takes 2 x 24 m² from a vacant 20 x 30 m plot's envelope (384 → 336 m²), and a permit built to the old line no
longer complies."""

import pytest

from parcels.models import District
from permits.models import Permit, Proposal
from permits.services import permit_draft_create, proposal_add
from permits.services.rules import rule_set_new_version
from permits.whatif import whatif
from tests.factories import ParcelFactory
from tests.permits.conftest import villa
from tests.shapes import rect


@pytest.fixture
def district(town):
    return District.objects.create(municipality=town, code="D1", name_ar="حي الاختبار", name_en="Test district",
                                   geom=rect(-100, -100, 100, 100))


def test_a_wider_side_setback_shrinks_vacant_envelopes_and_finds_permits_built_to_the_old_line(
        town, plot, r1, district, designer, owner, engineer):
    built = ParcelFactory(plan=plot.plan, geom=rect(20, 0, 40, 30), number="8", status="built")
    case = permit_draft_create(municipality=town, actor=designer, parcel=built, applicant=owner)
    on_the_lines = villa(ground=(22, 4, 38, 28), annex=(26, 10, 34, 20))  # on the 2 m side setback lines
    proposal = proposal_add(case=case, actor=designer, proposal=on_the_lines)
    assert proposal.passed
    Permit.objects.create(municipality=town, case=case, number="RAS-BP-1448-00009", kind="building_permit",
                          parcel=built, proposal=proposal, issued_on="2026-01-01", valid_until="2029-01-01",
                          use="residential", floors=2, floor_area_m2=proposal.floor_area_m2, geom=proposal.footprint)
    draft = rule_set_new_version(rule_set=r1, actor=engineer, side_setback_m=3)
    result = whatif(draft=draft, district=district)
    assert (result["parcels"], result["changed"]) == (1, 1)  # the vacant plot; the built one is not vacant
    assert result["before_m2"] == pytest.approx(384, abs=0.1) and result["after_m2"] == pytest.approx(336, abs=0.1)
    [permit] = result["permits"]
    assert permit["permit"] == "RAS-BP-1448-00009" and permit["failing"] == ["setback_side"]
    kinds = sorted(f["properties"]["kind"] for f in result["features"]["features"])
    assert kinds == ["parcel", "permit"]
    parcel_feature = next(f for f in result["features"]["features"] if f["properties"]["kind"] == "parcel")
    assert parcel_feature["properties"]["delta_m2"] == pytest.approx(-48, abs=0.1)
    assert Proposal.objects.filter(rule_set=draft).count() == 0  # nothing stored against a draft


def test_a_looser_draft_changes_nothing_that_complies(town, plot, r1, district, engineer):
    draft = rule_set_new_version(rule_set=r1, actor=engineer, coverage_ground_pct=80)
    result = whatif(draft=draft, district=district)
    assert (result["changed"], result["permits"]) == (0, [])


def test_a_permit_approved_with_a_justified_failure_is_listed_for_what_it_would_newly_break(
        town, plot, r1, district, designer, owner, engineer):
    built = ParcelFactory(plan=plot.plan, geom=rect(20, 0, 40, 30), number="8", status="built")
    case = permit_draft_create(municipality=town, actor=designer, parcel=built, applicant=owner)
    # 3 m from the street (4 m required: justified) and on the 2 m side lines.
    proposal = proposal_add(case=case, actor=designer, justification="على امتداد الجوار",
                            proposal=villa(ground=(22, 3, 38, 28), annex=(26, 10, 34, 20)))
    assert [r["rule"] for r in proposal.check_result["results"] if not r["passed"]] == ["setback_front"]
    Permit.objects.create(municipality=town, case=case, number="RAS-BP-1448-00010", kind="building_permit",
                          parcel=built, proposal=proposal, issued_on="2026-01-01", valid_until="2029-01-01",
                          use="residential", floors=2, floor_area_m2=proposal.floor_area_m2, geom=proposal.footprint)
    stricter = whatif(draft=rule_set_new_version(rule_set=r1, actor=engineer, side_setback_m=3), district=district)
    assert [(p["permit"], p["failing"]) for p in stricter["permits"]] == [("RAS-BP-1448-00010", ["setback_side"])]
