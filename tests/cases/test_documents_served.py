"""Uploads through the shipped server (Granian, runtime/request_body.py reading the body first): multipart with a
length, chunked multipart, a body over the documents' limit refused with 413 before it is read."""

import hashlib

import pytest
import requests
from django.contrib.gis.geos import Point

from accounts.models import Person
from accounts.roles import roles_sync
from accounts.services import api_key_create
from cases import services
from tests.factories import MunicipalityFactory
from tests.shapes import lonlat
from tests.test_serve import _server

PDF = b"%PDF-1.7\n" + b"0" * 300_000 + b"\n%%EOF\n"  # bigger than one read of the body


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker):
    """One server for the module (as tests/test_request_body.py): a documents' limit of 400 kB."""
    with django_db_blocker.unblock(), _server(ARDH_DB_CONN_MAX_AGE="0", ARDH_DOCUMENT_MAX_BYTES="400000") as url:
        yield url


@pytest.fixture
def served_case(served, transactional_db):
    roles_sync()  # a transactional test's database was flushed by the one before
    town = MunicipalityFactory(short_code="RAS")
    applicant = Person.objects.create(kind="person", name_ar="محمد", name_en="Mohammed", national_id="1012345678")
    case = services.case_create(municipality=town, case_type="kiosk_permit", actor="portal",
                                data={"activity": "food", "area_m2": 20}, parties=[(applicant, "applicant")],
                                point=Point(*lonlat(10, 10), srid=4326))
    _, token = api_key_create(municipality=town, name="portal", scopes=["read", "write"])
    return {"url": f"{served}/api/v1/cases/{case.pk}/documents/", "base": served,
            "headers": {"Authorization": f"Api-Key {token}", "Accept-Language": "en", "Connection": "close"}}


def test_multipart_uploads_through_the_server(served_case):
    url, headers = served_case["url"], served_case["headers"]
    r = requests.post(url, headers=headers, data={"code": "site_plan"}, files={"file": ("plan.pdf", PDF)},
                      timeout=60)
    assert r.status_code == 201, r.text
    assert r.json()["sha256"] == hashlib.sha256(PDF).hexdigest()
    # Chunked (no Content-Length): the server reads it in and hands Django an ordinary body.
    body, content_type = requests.models.RequestEncodingMixin._encode_files(
        {"file": ("plan2.pdf", PDF)}, {"code": "site_plan"})
    r = requests.post(url, headers={**headers, "Content-Type": content_type},
                      data=(body[i:i + 65536] for i in range(0, len(body), 65536)), timeout=60)
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 2
    download = requests.get(served_case["base"] + r.json()["file"], headers=headers, timeout=60)
    assert download.status_code == 200, download.text[:3000]
    assert download.content == PDF
    assert download.headers["Content-Type"] == "application/pdf"


def test_an_upload_over_the_limit_is_413(served_case):
    big = b"%PDF-1.7\n" + b"0" * 2_000_000
    r = requests.post(served_case["url"], headers=served_case["headers"], data={"code": "site_plan"},
                      files={"file": ("big.pdf", big)}, timeout=60)
    assert r.status_code == 413 and "MB" in r.json()["detail"]
