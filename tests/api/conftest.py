import pytest
from rest_framework.test import APIClient

from accounts.services import api_key_create
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory

ALL_SCOPES = ["read", "write", "lineage"]


def key_client(municipality, scopes=ALL_SCOPES, **kwargs) -> APIClient:
    _, token = api_key_create(municipality=municipality, name="test system", scopes=scopes, **kwargs)
    client = APIClient()
    # Messages are asserted in English; without the header the API answers in Arabic (the default).
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}", HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def client_for():
    return key_client


@pytest.fixture
def api(muni):
    return key_client(muni)


@pytest.fixture
def parcels(plan):
    return [ParcelFactory(plan=plan) for _ in range(5)]


@pytest.fixture
def other_parcel(db):
    other = MunicipalityFactory()
    return ParcelFactory(plan=PlanFactory(municipality=other))
