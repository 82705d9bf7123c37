"""The registers' services check the person's permission themselves (no door can skip it): a role without
``registers.write`` cannot edit, without ``parcels.lineage`` cannot split or merge."""

from __future__ import annotations

import pytest

from accounts.services import membership_grant
from common.errors import NotPermitted
from parcels import services
from tests.factories import ParcelFactory, PlanFactory
from tests.shapes import rect


@pytest.fixture
def people(db, django_user_model, muni):
    def person(name, roles):
        user = django_user_model.objects.create_user(name)
        membership_grant(user=user, municipality=muni, roles=roles)
        return user
    return {"reader": person("r", ["reader"]), "editor": person("e", ["planner"]),
            "gis": person("g", ["gis_editor"]), "elsewhere": django_user_model.objects.create_user("x")}


def test_editing_needs_the_write_permission_in_that_municipality(people, plan):
    parcel = ParcelFactory(plan=plan)
    for who in ("reader", "elsewhere"):
        with pytest.raises(NotPermitted) as refused:
            services.parcel_update(parcel=parcel, actor=people[who], land_use="park")
        assert refused.value.needed == ["registers.write"]
    parcel.refresh_from_db()
    assert parcel.land_use != "park" and parcel.version == 1  # nothing written
    services.parcel_update(parcel=parcel, actor=people["editor"], land_use="park")
    with pytest.raises(NotPermitted):
        services.parcel_create(municipality=plan.municipality, plan=plan, number="N1", land_use="residential",
                               geom=rect(900, 900, 930, 930), actor=people["reader"])


def test_split_and_merge_need_the_lineage_permission(people, plan):
    a, b = ParcelFactory(plan=plan), ParcelFactory(plan=plan)
    with pytest.raises(NotPermitted):
        services.parcel_split(parcel=a, actor=people["editor"], parts=2)
    with pytest.raises(NotPermitted):
        services.parcel_merge(parcels=[a, b], actor=people["editor"])
    assert len(services.parcel_split(parcel=a, actor=people["gis"], parts=2)) == 2


def test_other_systems_and_the_system_itself_are_not_people(db, muni):
    plan = PlanFactory(municipality=muni)
    parcel = ParcelFactory(plan=plan)
    services.parcel_update(parcel=parcel, actor="api-key abc (gis)", land_use="park")  # scopes checked at the key
    services.parcel_update(parcel=parcel, actor=None, land_use="residential")
