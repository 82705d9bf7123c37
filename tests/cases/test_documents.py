"""Case documents: files told by their content (not their name), versions kept, checksums, limits, who may add
them, tenants, and nothing half-written when a write is refused."""

import hashlib
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Person
from audit.models import ChangeRecord
from cases import services
from cases.documents import selectors
from cases.documents.models import CaseDocument
from cases.documents.services import document_upload
from cases.models import Case, TimelineEntry
from common.errors import NotPermitted, RegisterError
from tests.cases.conftest import open_case, person_client, staff
from tests.shapes import lonlat

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
DXF = b"  0\nSECTION\n  2\nHEADER\n  0\nENDSEC\n  0\nEOF\n"
DXF_COMMENTED = b"999\nmade by a CAD program\n0\r\nSECTION\r\n2\r\nENTITIES\r\n0\r\nENDSEC\r\n0\r\nEOF\r\n"
DXF_BINARY = b"AutoCAD Binary DXF\r\n\x1a\x00" + b"\x00" * 20
DWG = b"AC1032" + b"\x00" * 40
GEOJSON = json.dumps({"type": "FeatureCollection", "features": []}).encode()
CSV = "رقم,المساحة\n1,250.5\n2,300\n".encode()
CSV_SEMICOLON = b"id;x;y\n1;45.1;26.3\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60
ZIP = b"PK\x03\x04" + b"\x00" * 40
HTML = b"<html><body>a, b, c</body></html>\n"
JSON_NOT_GEO = b'{"name": "not geojson"}'


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")  # the client's claim


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p) for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(("code", "content", "name", "expected"), [
    ("site_plan", PDF, "plan.pdf", "application/pdf"),
    ("site_plan", PNG, "plan.png", "image/png"),
    ("site_plan", JPEG, "photo.jpg", "image/jpeg"),
    ("drawing", DXF, "plan.dxf", "image/vnd.dxf"),
    ("drawing", DXF_COMMENTED, "plan.dxf", "image/vnd.dxf"),
    ("drawing", DXF_BINARY, "plan.dxf", "image/vnd.dxf"),
    ("drawing", DWG, "plan.dwg", "image/vnd.dwg"),
    ("survey", GEOJSON, "survey.geojson", "application/geo+json"),
    ("survey", CSV, "points.csv", "text/csv"),
    ("survey", CSV_SEMICOLON, "points.txt", "text/csv"),
    ("other", PDF, "letter.bin", "application/pdf"),  # the name does not matter, the content does
])
def test_each_accepted_type_is_told_by_its_content(case, reviewer, code, content, name, expected):
    doc = document_upload(case=case, code=code, upload=upload(content, name), actor=reviewer)
    assert doc.content_type == expected and doc.size == len(content) and doc.version == 1
    assert doc.sha256 == hashlib.sha256(content).hexdigest()
    with doc.file.open("rb") as f:
        assert f.read() == content


@pytest.mark.parametrize(("content", "name"), [
    (EXE, "plan.pdf"), (ZIP, "plan.pdf"), (HTML, "plan.csv"), (JSON_NOT_GEO, "survey.geojson"),
    (b"just some words", "notes.csv"),
])
def test_files_of_other_kinds_are_refused_whatever_their_name(case, reviewer, content, name):
    before = stored_files()
    code = "survey" if name.endswith(("csv", "geojson")) else "site_plan"
    with pytest.raises(RegisterError) as refused:
        document_upload(case=case, code=code, upload=upload(content, name), actor=reviewer)
    assert refused.value.code == "content_type" and name in refused.value.messages[0]
    assert not CaseDocument.objects.exists() and stored_files() == before


def test_a_type_the_declaration_does_not_accept_is_refused(case, reviewer):
    with pytest.raises(RegisterError) as refused:
        document_upload(case=case, code="site_plan", upload=upload(DXF, "plan.dxf"), actor=reviewer)
    message = refused.value.messages[0]
    assert refused.value.code == "content_type" and "image/vnd.dxf" in message and "site_plan" in message
    with pytest.raises(RegisterError) as unknown:
        document_upload(case=case, code="passport", upload=upload(PDF, "p.pdf"), actor=reviewer)
    assert unknown.value.code == "unknown_document" and "site_plan" in unknown.value.messages[0]
    assert not CaseDocument.objects.exists()


def test_oversize_is_refused_by_the_declaration_and_the_global_cap(case, reviewer, settings):
    big = b"id,x\n" + b"1,2\n" * 1200  # over the survey's 4000 bytes
    with pytest.raises(RegisterError) as refused:
        document_upload(case=case, code="survey", upload=upload(big, "big.csv"), actor=reviewer)
    assert refused.value.code == "too_large" and "big.csv" in refused.value.messages[0]
    settings.ARDH_DOCUMENT_MAX_BYTES = 20
    with pytest.raises(RegisterError):
        document_upload(case=case, code="site_plan", upload=upload(PDF, "plan.pdf"), actor=reviewer)
    assert not CaseDocument.objects.exists()


def test_a_new_upload_is_the_next_version_and_the_old_one_is_kept(case, reviewer, applicant):
    first = document_upload(case=case, code="site_plan", upload=upload(PDF, "v1.pdf"), actor=reviewer)
    second = document_upload(case=case, code="site_plan", upload=upload(PNG, "v2.png"), actor=reviewer)
    hidden = document_upload(case=case, code="other", upload=upload(JPEG, "internal.jpg"), actor=reviewer,
                             visible_to_applicant=False)
    assert (first.version, second.version, hidden.version) == (1, 2, 1)
    assert first.file.name != second.file.name and first.file.name.count("/") == 4
    groups = selectors.case_documents(case=case)
    assert [g.code for g in groups] == ["site_plan", "other"]
    assert groups[0].latest == second and groups[0].versions == [second, first]
    with first.file.open("rb") as f:
        assert f.read() == PDF
    assert [g.code for g in selectors.case_documents(case=case, for_applicant=True)] == ["site_plan"]
    entries = TimelineEntry.objects.filter(case=case, kind="document")
    assert [(e.data["document"], e.data["version"]) for e in entries] == [
        ("site_plan", 1), ("site_plan", 2), ("other", 1)]
    assert entries[0].data["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert ChangeRecord.objects.filter(entity="cases.casedocument", object_id=second.pk).exists()


def test_the_filename_is_cleaned_and_the_stored_path_is_not(case, reviewer):
    doc = document_upload(case=case, code="other", upload=ContentFile(PDF, name="../../etc/مخطط\x00 الأرض.pdf"),
                          actor=reviewer)
    assert doc.original_name == "مخطط الأرض.pdf"
    assert "مخطط" not in doc.file.name and ".." not in doc.file.name
    assert len(doc.file.name.rsplit("/", 1)[1]) == 32  # 128 random bits


def test_the_applicant_may_add_documents_a_stranger_may_not(town, reviewer, django_user_model):
    owner_user = django_user_model.objects.create_user("owner", password="x")
    owner = Person.objects.create(kind="person", name_ar="مالك", name_en="Owner", national_id="1011111111",
                                  user=owner_user)
    case = open_case(town=town, actor=reviewer, applicant=owner)
    doc = document_upload(case=case, code="site_plan", upload=upload(PDF, "plan.pdf"), actor=owner_user)
    assert doc.uploaded_by == owner_user
    stranger = django_user_model.objects.create_user("stranger", password="x")
    with pytest.raises(NotPermitted):
        document_upload(case=case, code="site_plan", upload=upload(PDF, "plan.pdf"), actor=stranger)
    assert CaseDocument.objects.count() == 1


def test_nothing_is_half_written_when_the_row_fails(case, reviewer, monkeypatch):
    before = stored_files()

    def fail(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr("cases.documents.services.change_record", fail)
    with pytest.raises(RuntimeError):
        document_upload(case=case, code="site_plan", upload=upload(PDF, "plan.pdf"), actor=reviewer)
    assert not CaseDocument.objects.exists() and stored_files() == before
    assert not TimelineEntry.objects.filter(case=case, kind="document").exists()


# --- applying with documents ------------------------------------------------------------------------


def apply(town, actor, applicant, files):
    return services.case_apply(
        municipality=town, case_type="kiosk_permit", actor=actor, data={"activity": "food", "area_m2": 20},
        parties=[(applicant, "applicant")], point=Point(*lonlat(10, 10), srid=4326), files=files)


def test_case_apply_opens_the_case_with_its_documents(town, reviewer, applicant):
    case = apply(town, reviewer, applicant, {"site_plan": upload(PDF, "plan.pdf"),
                                             "survey": upload(GEOJSON, "s.geojson")})
    assert sorted(case.documents.values_list("code", flat=True)) == ["site_plan", "survey"]


def test_case_apply_refuses_missing_documents_and_leaves_nothing(town, reviewer, applicant):
    before = stored_files()
    with pytest.raises(RegisterError) as refused:
        apply(town, reviewer, applicant, {"survey": upload(GEOJSON, "s.geojson")})
    assert refused.value.code == "missing_documents" and "site_plan" in refused.value.messages[0]
    # A bad file after a good one: the case and the good file's row and stored file are gone too.
    with pytest.raises(RegisterError):
        apply(town, reviewer, applicant, {"site_plan": upload(PDF, "plan.pdf"), "survey": upload(EXE, "s.geojson")})
    assert not Case.objects.exists() and not CaseDocument.objects.exists() and stored_files() == before


def test_case_apply_calls_the_types_own_apply(town, reviewer, applicant):
    from cases.types import get_case_type, register_case_type

    kiosk = get_case_type("kiosk_permit")
    seen = {}

    def own_apply(**kwargs):
        seen.update(kwargs)
        return services.case_create(case_type="kiosk_permit", **{k: v for k, v in kwargs.items() if k != "files"})

    import dataclasses

    register_case_type(dataclasses.replace(kiosk, apply=own_apply))
    try:
        case = apply(town, reviewer, applicant, {"survey": upload(CSV, "p.csv")})
    finally:
        register_case_type(kiosk)
    assert case.pk and set(seen) == {"municipality", "actor", "data", "parties", "parcels", "point", "area", "files"}
    assert list(seen["files"]) == ["survey"]


# --- the API ------------------------------------------------------------------------------------------


def test_upload_list_and_download_through_the_api(case, reviewer):
    api = person_client(reviewer)
    url = f"/api/v1/cases/{case.pk}/documents/"
    for content in (PDF, PNG):
        r = api.post(url, {"code": "site_plan", "file": upload(content, "plan.bin")}, format="multipart")
        assert r.status_code == 201, r.content
    body = api.get(url).json()["documents"]
    assert body[0]["code"] == "site_plan" and [v["version"] for v in body[0]["versions"]] == [2, 1]
    latest = body[0]["latest"]
    assert latest["content_type"] == "image/png" and latest["sha256"] == hashlib.sha256(PNG).hexdigest()
    file = api.get(latest["file"])
    assert file.status_code == 200 and file["Content-Type"] == "image/png"
    assert "attachment" in file["Content-Disposition"] and "plan.bin" in file["Content-Disposition"]
    assert b"".join(file.streaming_content) == PNG


def test_api_refusals_say_what_and_where(case, reviewer):
    api = person_client(reviewer)
    url = f"/api/v1/cases/{case.pk}/documents/"
    r = api.post(url, {"code": "site_plan", "file": upload(EXE, "setup.pdf")}, format="multipart")
    assert r.status_code == 422 and "setup.pdf" in r.json()["detail"] and r.json()["code"] == "content_type"
    arabic = person_client(reviewer, language="ar")
    r = arabic.post(url, {"code": "site_plan", "file": upload(EXE, "setup.pdf")}, format="multipart")
    assert r.status_code == 422 and "setup.pdf" in r.json()["detail"] and "ليس" in r.json()["detail"]
    r = api.post(url, {"code": "site_plan"}, format="multipart")
    assert r.status_code == 400 and "file" in r.json()
    assert not CaseDocument.objects.exists()


def test_an_oversize_request_is_413_before_it_is_read(case, reviewer, settings):
    settings.ARDH_DOCUMENT_MAX_BYTES = 10
    api = person_client(reviewer)
    big = upload(b"%PDF-" + b"0" * (2 * 1024 * 1024), "big.pdf")
    r = api.post(f"/api/v1/cases/{case.pk}/documents/", {"code": "site_plan", "file": big}, format="multipart")
    assert r.status_code == 413 and "MB" in r.json()["detail"]


def test_another_municipalitys_case_and_documents_are_not_found(case, reviewer, other_town, django_user_model):
    doc = document_upload(case=case, code="site_plan", upload=upload(PDF, "plan.pdf"), actor=reviewer)
    elsewhere = person_client(staff(django_user_model, other_town, "elsewhere", ["permit_reviewer"]))
    base = f"/api/v1/cases/{case.pk}/documents/"
    assert elsewhere.get(base).status_code == 404
    assert elsewhere.get(f"{base}{doc.pk}/file").status_code == 404
    r = elsewhere.post(base, {"code": "site_plan", "file": upload(PDF, "x.pdf")}, format="multipart")
    assert r.status_code == 404 and CaseDocument.objects.count() == 1
    other_case = open_case(town=case.municipality, actor=reviewer, applicant=case.case_parties.first().party)
    assert person_client(reviewer).get(f"/api/v1/cases/{other_case.pk}/documents/{doc.pk}/file").status_code == 404


def test_the_stored_file_survives_only_with_its_row(case, reviewer):
    doc = document_upload(case=case, code="site_plan", upload=upload(PDF, "plan.pdf"), actor=reviewer)
    assert default_storage.exists(doc.file.name)


def test_an_application_with_its_documents_in_one_multipart_post(town, reviewer, applicant):
    api = person_client(reviewer)
    payload = json.dumps({"case_type": "kiosk_permit", "data": {"activity": "food", "area_m2": 12},
                          "parties": [{"party": applicant.pk, "role": "applicant"}],
                          "point": {"type": "Point", "coordinates": list(lonlat(10, 10))}})
    r = api.post("/api/v1/cases/", {"payload": payload, "site_plan": upload(PDF, "plan.pdf"),
                                    "drawing": upload(DWG, "plan.dwg")}, format="multipart")
    assert r.status_code == 201, r.content
    case = Case.objects.get(pk=r.json()["id"])
    assert sorted(case.documents.values_list("code", "content_type")) == [
        ("drawing", "image/vnd.dwg"), ("site_plan", "application/pdf")]
    before = stored_files()
    r = api.post("/api/v1/cases/", {"payload": payload, "drawing": upload(DWG, "plan.dwg")}, format="multipart")
    assert r.status_code == 422 and "site_plan" in r.json()["detail"]
    r = api.post("/api/v1/cases/", {"payload": "{not json", "site_plan": upload(PDF, "p.pdf")}, format="multipart")
    assert r.status_code == 400 and r.json()["param"] == "payload"
    assert Case.objects.count() == 1 and stored_files() == before
