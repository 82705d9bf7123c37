"""schemathesis against /api/schema/: generated requests (bounded examples) never cause a server error.

Runs in-process through the WSGI app, inside the test's database transaction, with a
valid API key holding every scope so generated requests reach the services.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def in_process():
    """Keep the test's DB connection open across WSGI calls (as Django's test Client does)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth_header(muni, in_process):
    from accounts.services import api_key_create
    from tests.factories import ParcelFactory, PlanFactory

    plan = PlanFactory(municipality=muni)
    for _ in range(3):
        ParcelFactory(plan=plan)
    _, token = api_key_create(municipality=muni, name="schemathesis", scopes=["read", "write", "lineage"],
                              rate_per_minute=100_000)
    return {"Authorization": f"Api-Key {token}"}


@pytest.mark.django_db
@schema.include(path_regex="^/api/v1/").parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_never_errors(case, auth_header):
    case.call_and_validate(headers=auth_header, checks=[not_a_server_error])


def test_schema_documents_the_api(client):
    r = client.get("/api/schema/?format=json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in ("/api/v1/parcels/", "/api/v1/parcels/{id}/", "/api/v1/at-point/", "/api/v1/parcels/merge/"):
        assert path in paths, sorted(paths)
    for page in ("/api/docs/", "/api/redoc/"):
        r = client.get(page)
        assert r.status_code == 200
        html = r.content.decode()
        assert "/static/drf_spectacular_sidecar/" in html and "cdn.jsdelivr" not in html
