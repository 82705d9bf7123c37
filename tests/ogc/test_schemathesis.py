"""schemathesis against the OGC API's own OpenAPI definition (/ogc/api): no server errors."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from tests.api.test_schemathesis import in_process  # noqa: F401 - fixture

schema = schemathesis.openapi.from_wsgi("/ogc/api", application)


@pytest.fixture
def ogc_auth(muni, in_process):  # noqa: F811
    from accounts.services import api_key_create
    from tests.factories import ParcelFactory, PlanFactory

    plan = PlanFactory(municipality=muni)
    for _ in range(3):
        ParcelFactory(plan=plan)
    _, token = api_key_create(municipality=muni, name="schemathesis", scopes=["read"], rate_per_minute=100_000)
    return {"Authorization": f"Api-Key {token}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_ogc_never_errors(case, ogc_auth):
    case.call_and_validate(headers=ogc_auth, checks=[not_a_server_error])
