"""A district of the small town (tests/permits/conftest.py) for the what-if, in local metres:

- the street along y = -10 (20 m wide) fronts the row y 0..30; the R1 zone is x -100..100, a C1 zone x 100..200;
- vacant R1 parcels in the district: the 20 x 30 m plot "7" at x 0..20 (interior: one front, two sides, a rear)
  and "H" at (0, 40)-(20, 70) that faces no street (four sides);
- permit "B" (issued) on x 25..45, its villa built to the old side limit (2 m); permit "C" (completed) on
  x 50..70 built 3 m from its sides; permit "X" (revoked) on x 75..95 built to the old limit;
- outside what the what-if counts: a vacant C1 parcel "F" in the district, a vacant R1 parcel "D" outside it;
- draft version 2 of R1: the side setback raised from 2 to 3 m.

Known answers, by hand: plot 7: envelope x 2..18, y 4..28 = 384 m² → x 3..17 = 14 x 24 = 336 m² (-48);
H: x 2..18, y 42..68 = 416 m² → x 3..17, y 43..67 = 336 m² (-80); permit B fails setback_side (2.00 m
measured, 3.00 m required); C stands exactly on the new line and passes."""

from datetime import date

import pytest
from django.utils import timezone

from cases.models import Case
from parcels.models import District, Zone
from permits.check import run_check
from permits.inputs import check_inputs
from permits.models import Permit, Proposal, RuleSet
from tests.factories import ParcelFactory, RegulationFactory
from tests.permits.conftest import RULES_V1, villa
from tests.shapes import rect

ON = date(2026, 6, 1)


def permit_on(town, r1, parcel, *, ground, annex, status, number):
    proposal_in = villa(ground=ground, annex=annex)
    check = run_check({**check_inputs(parcel=parcel, on=ON, rule_set=r1), "proposal": proposal_in})
    case = Case.objects.create(municipality=town, number=f"RAS-1448-0000{number}", case_type="building_permit",
                               status="issued", status_since=timezone.now(), location=parcel.geom.point_on_surface)
    proposal = Proposal.objects.create(
        municipality=town, case=case, number=1, parcel=parcel, source="drawn", use="residential", units=1,
        parking_spaces=2, height_m=9.5, floors=proposal_in["floors"], footprint=parcel.geom,
        floor_area_m2=check["proposal"]["floor_area_m2"], rule_set=r1, rules_date=ON, check_result=check,
        passed=check["passed"])
    return Permit.objects.create(municipality=town, case=case, number=f"RAS-BP-1448-000{number}",
                                 kind="building_permit", parcel=parcel, proposal=proposal, status=status,
                                 issued_on=date(2026, 1, 2), valid_until=date(2029, 1, 2), use="residential",
                                 floors=2, floor_area_m2=proposal.floor_area_m2, geom=parcel.geom)


@pytest.fixture
def district(town, r1, plot):
    c1 = RegulationFactory(municipality=town, code="C1", name_ar="تجاري", name_en="Commercial")
    Zone.objects.create(municipality=town, regulation=c1, geom=rect(100, -100, 200, 100))
    plan = plot.plan
    ParcelFactory(plan=plan, geom=rect(0, 40, 20, 70), number="H", status="vacant")
    ParcelFactory(plan=plan, geom=rect(110, 0, 130, 30), number="F", status="vacant")
    ParcelFactory(plan=plan, geom=rect(-60, 0, -40, 30), number="D", status="vacant")
    b = ParcelFactory(plan=plan, geom=rect(25, 0, 45, 30), number="B", status="under_construction")
    c = ParcelFactory(plan=plan, geom=rect(50, 0, 70, 30), number="C", status="built")
    x = ParcelFactory(plan=plan, geom=rect(75, 0, 95, 30), number="X", status="built")
    permit_on(town, r1, b, ground=(27, 4, 43, 28), annex=(30, 10, 38, 20), status="issued", number=21)
    permit_on(town, r1, c, ground=(53, 4, 67, 28), annex=(56, 10, 64, 20), status="completed", number=22)
    permit_on(town, r1, x, ground=(77, 4, 93, 28), annex=(80, 10, 88, 20), status="revoked", number=23)
    return District.objects.create(municipality=town, code="D1", name_ar="حي النخيل", name_en="Al-Nakheel",
                                   geom=rect(-10, -50, 150, 60))


@pytest.fixture
def draft(r1):
    values = {**RULES_V1, "number": 2, "status": "draft", "valid_from": date(2027, 1, 1), "side_setback_m": 3}
    return RuleSet.objects.create(municipality=r1.municipality, regulation=r1.regulation, **values)
