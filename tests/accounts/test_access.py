"""People's access: memberships in several municipalities, roles granting permissions, the scopes they amount
to, and the municipality a request works in."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.permissions import PARCELS_LINEAGE, REGISTERS_READ, REGISTERS_WRITE, all_permissions
from accounts.roles import ROLES
from accounts.selectors import municipality_ids_with, staff_access, user_has_permission
from accounts.services import membership_grant
from api.access import SESSION_MUNICIPALITY
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory


@pytest.fixture
def two(db, django_user_model):
    a, b = MunicipalityFactory(), MunicipalityFactory()
    person = django_user_model.objects.create_user("two-cities", password="pw")
    membership_grant(user=person, municipality=a, roles=["reader"])
    membership_grant(user=person, municipality=b, roles=["gis_editor"], district_codes=["D001"])
    return {"a": a, "b": b, "person": person}


def test_roles_grant_permissions_and_the_scopes_they_amount_to(two):
    in_a = staff_access(two["person"], municipality_id=two["a"].pk)
    in_b = staff_access(two["person"], municipality_id=two["b"].pk)
    assert in_a.permissions == {REGISTERS_READ.code} and in_a.scopes == {"read"}
    assert in_b.scopes == {"read", "write", "lineage"} and in_b.district_codes == ("D001",)
    assert user_has_permission(two["person"], PARCELS_LINEAGE, municipality_id=two["b"].pk)
    assert not user_has_permission(two["person"], REGISTERS_WRITE, municipality_id=two["a"].pk)
    assert sorted(municipality_ids_with(two["person"], REGISTERS_WRITE)) == [two["b"].pk]


def test_every_role_holds_only_declared_permissions():
    declared = {p.code for p in all_permissions()}
    for code, _ar, _en, permissions in ROLES:
        assert set(permissions) <= declared, code


def test_a_membership_of_unknown_roles_is_refused(two):
    with pytest.raises(ValueError, match="no_such_role"):
        membership_grant(user=two["person"], municipality=two["a"], roles=["no_such_role"])


def test_a_request_works_in_the_municipality_the_session_chose(two, client):
    plan_b = PlanFactory(municipality=two["b"])
    parcel_b = ParcelFactory(plan=plan_b)
    client.force_login(two["person"])
    # first membership by default: municipality A, where B's parcel is not found
    assert client.get(f"/api/v1/parcels/{parcel_b.pk}/").status_code == 404
    session = client.session
    session[SESSION_MUNICIPALITY] = two["b"].pk
    session.save()
    assert client.get(f"/api/v1/parcels/{parcel_b.pk}/").status_code == 200
    # a municipality the person has no membership in falls back to their first
    session[SESSION_MUNICIPALITY] = MunicipalityFactory().pk
    session.save()
    assert client.get(f"/api/v1/parcels/{parcel_b.pk}/").status_code == 404


def test_a_person_without_roles_is_refused_as_before(db, django_user_model):
    muni = MunicipalityFactory()
    nobody = django_user_model.objects.create_user("no-roles", password="pw")
    membership_grant(user=nobody, municipality=muni, roles=[])
    api = APIClient()
    api.force_login(nobody)
    response = api.get("/api/v1/parcels/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403 and "read" in response.json()["detail"]
