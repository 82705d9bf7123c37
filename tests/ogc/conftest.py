import pytest
import requests

from accounts.services import api_key_create
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory


class Ogc:
    """A plain HTTP client for the live server: these tests only see what any outside client sees."""

    def __init__(self, base: str, token: str):
        self.base = base
        self.token = token
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Api-Key {token}"

    def get(self, path: str, **kwargs) -> requests.Response:
        url = path if path.startswith("http") else self.base + path
        return self.session.get(url, timeout=30, **kwargs)


@pytest.fixture
def city(transactional_db):
    muni = MunicipalityFactory()
    plan = PlanFactory(municipality=muni)
    parcels = [ParcelFactory(plan=plan) for _ in range(7)]
    other = ParcelFactory(plan=PlanFactory(municipality=MunicipalityFactory()))
    _, token = api_key_create(municipality=muni, name="ogc test", scopes=["read"])
    return {"muni": muni, "plan": plan, "parcels": parcels, "other": other, "token": token}


@pytest.fixture
def ogc(live_server, city):
    return Ogc(live_server.url + "/ogc", city["token"])
