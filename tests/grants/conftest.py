"""A grants plan in local metres (tests.shapes.ORIGIN): a residential zone over it; vacant residential plots of
650 m² (small band, entitled 575), 729 m² (medium, 700) and 840 m² (large, 800), a built plot, a commercial plot,
a plot of a general plan; the demo programme's rules and bands (grants.demo); a grants officer.

Applicants are persons whose ID the facts simulator (grants.facts) answers as wished: ``person(...)``."""

import pytest

from accounts.models import Person
from cases.models import PartyRole
from cases.services import case_apply
from grants.demo import programme_ensure
from parcels.models import Zone
from tests.factories import ParcelFactory, PlanFactory, RegulationFactory
from tests.permits.conftest import staff
from tests.permits.conftest import town as municipality_with_fees
from tests.shapes import rect

town = municipality_with_fees  # the fixture: a municipality (RAS) with its SADAD biller and the national fees

SIZES = {"small": (26, 25), "medium": (27, 27), "large": (28, 30)}  # 650, 729, 840 m²


def national_id(*, saudi=True, born=1985, married=True, owns=False, serial=1) -> str:
    """An ID the simulator answers as asked: nationality by the first digit, the birth year by d1d2 (1960 + d1d2
    mod 45), single when d6 is 0, property when the last digit is 7."""
    tail = f"{serial:03d}"
    if owns:
        tail = tail[:2] + "7"
    elif tail.endswith("7"):
        tail = tail[:2] + "8"
    return f"{1 if saudi else 2}{born - 1960:02d}0001{tail}"[:6] + ("1" if married else "0") + tail


def person(**kwargs) -> Person:
    nid = national_id(**kwargs)
    found, _ = Person.objects.get_or_create(national_id=nid, defaults={
        "kind": "person", "name_ar": f"مواطن {nid[-4:]}", "name_en": f"Citizen {nid[-4:]}",
        "mobile": f"+96656{nid[-7:]}"})
    return found


def apply(town, officer, applicant, *, family=1, since="2015-01-01", special=False, programme="residential-1448"):
    members = ",".join(f"2{applicant.national_id[-5:]}{k:04d}" for k in range(family - 1))
    return case_apply(municipality=town, case_type="land_grant", actor=officer,
                      data={"programme": programme, "residence_since": since, "family_ids": members,
                            "special_circumstance": special},
                      parties=[(applicant, PartyRole.APPLICANT)])


@pytest.fixture
def programme(town):
    return programme_ensure(town)


@pytest.fixture
def plan(town):
    plan = PlanFactory(municipality=town, purpose="grants", geom=rect(-50, -50, 1000, 1000))
    homes = RegulationFactory(municipality=town, code="R1", allowed_uses=["residential"])
    Zone.objects.create(municipality=town, regulation=homes, geom=rect(-50, -50, 1000, 1000))
    return plan


def plots(plan, band: str, count: int, *, row: int) -> list:
    w, h = SIZES[band]
    return [ParcelFactory(plan=plan, number=f"{band[0].upper()}{row}-{i}", land_use="residential", status="vacant",
                          geom=rect(i * 30, row * 40, i * 30 + w, row * 40 + h)) for i in range(count)]


@pytest.fixture
def pool(plan):
    return {"small": plots(plan, "small", 6, row=0), "medium": plots(plan, "medium", 4, row=1),
            "large": plots(plan, "large", 2, row=2)}


@pytest.fixture
def officer(town, django_user_model):
    return staff(django_user_model, town, "grantsofficer", ["grants_officer"])
