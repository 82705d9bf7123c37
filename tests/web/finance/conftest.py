"""The finance pages' town: a finance officer, two districts, parcels in each, cases on them (the scratch case
type), and the fixtures of the inbox tests (reviewer, applicant, ...)."""

import pytest

from tests.cases.conftest import open_case, staff
from tests.factories import DistrictFactory, ParcelFactory, PlanFactory
from tests.shapes import rect
from tests.web.conftest import (  # noqa: F401 (fixtures)  # noqa: F401 (fixtures)
    applicant,
    approver,
    case,
    engineer,
    office,
    other_town,
    parcel,
    reader,
    reviewer,
    supervisor,
    town,
)


@pytest.fixture
def finance(town, django_user_model):  # noqa: F811
    return staff(django_user_model, town, "finance", ["finance_officer"])


@pytest.fixture
def layout(town, reviewer, applicant):  # noqa: F811
    """Two districts (north, south), each with its plan and two parcels, and a case on each parcel."""
    north = DistrictFactory(municipality=town, code="N", name_ar="الشمال", name_en="North",
                            geom=rect(0, 500, 400, 900))
    south = DistrictFactory(municipality=town, code="S", name_ar="الجنوب", name_en="South",
                            geom=rect(0, 0, 400, 400))
    plans = {d.code: PlanFactory(municipality=town, district=d, geom=d.geom) for d in (north, south)}
    parcels = {
        "n1": ParcelFactory(plan=plans["N"], number="N-1", geom=rect(10, 510, 40, 540)),
        "n2": ParcelFactory(plan=plans["N"], number="N-2", geom=rect(50, 510, 80, 540)),
        "s1": ParcelFactory(plan=plans["S"], number="S-1", geom=rect(10, 10, 40, 40)),
        "s2": ParcelFactory(plan=plans["S"], number="S-2", geom=rect(50, 10, 80, 40)),
    }
    cases = {k: open_case(town=town, actor=reviewer, applicant=applicant, parcels=[p], point=None)
             for k, p in parcels.items()}
    return {"north": north, "south": south, "parcels": parcels, "cases": cases}
