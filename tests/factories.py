"""factory_boy factories: deterministic, non-overlapping shapes (see tests/shapes.py)."""

from __future__ import annotations

import datetime as dt

import factory

from parcels import models as m
from tests.shapes import rect

CELL = 40.0  # parcels are 30 m squares on a 40 m pitch unless a test lays them out itself


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Municipality

    code = factory.Sequence(lambda n: f"muni-{n}")
    name_ar = factory.Sequence(lambda n: f"بلدية {n}")
    name_en = factory.Sequence(lambda n: f"Municipality {n}")
    metric_srid = 9358
    boundary = factory.LazyFunction(lambda: rect(-5000, -5000, 5000, 5000))


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.District

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"D{n}")
    name_ar = factory.Sequence(lambda n: f"حي {n}")
    name_en = factory.Sequence(lambda n: f"District {n}")
    geom = factory.LazyFunction(lambda: rect(-2000, -2000, 2000, 2000))


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.SubdivisionPlan

    municipality = factory.SubFactory(MunicipalityFactory)
    number = factory.Sequence(lambda n: str(3000 + n))
    approval_date = dt.date(2020, 3, 10)
    geom = factory.LazyFunction(lambda: rect(-1000, -1000, 1000, 1000))


class ParcelFactory(factory.django.DjangoModelFactory):
    """Parcel n sits in row (n % 500) // 20, column n % 20 of a 40 m grid inside the default plan
    (-1000..1000 m): never overlapping within a test, and never outside the plan however many parcels
    earlier tests of the same run created (the sequence is global to the process)."""

    class Meta:
        model = m.Parcel

    municipality = factory.SelfAttribute("plan.municipality")
    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    land_use = m.LandUse.RESIDENTIAL
    geom = factory.Sequence(
        lambda n: rect((n % 20) * CELL, (n % 500 // 20) * CELL, (n % 20) * CELL + 30, (n % 500 // 20) * CELL + 30)
    )


class RegulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ZoningRegulation

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"R{n}")
    name_ar = "سكني"
    name_en = "Residential"
    max_coverage_pct = 60
    max_floors = 2
    far = 1.2
    front_setback_m = 2
    side_setback_m = 2
    rear_setback_m = 2
    allowed_uses = ["residential"]


# What the API scopes of a person amount to in roles (accounts/migrations/0002_roles.py).
SCOPE_ROLES = {"read": "reader", "write": "register_editor", "lineage": "lineage_editor"}


def grant_scopes(*, user, municipality, scopes):
    """A membership whose roles give the person exactly these API scopes (the tests' shorthand)."""
    from accounts.services import membership_grant

    return membership_grant(user=user, municipality=municipality, roles=[SCOPE_ROLES[s] for s in scopes])
