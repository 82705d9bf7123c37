import time

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from imports.jobs import run_pending
from imports.models import ImportJob
from parcels.models import Parcel
from tests.imports.helpers import frame, write

URL = "/api/v1/imports/"


@pytest.fixture
def importer(db, django_user_model):
    user = django_user_model.objects.create_user("importer", password="x")
    user.user_permissions.add(Permission.objects.get(codename="add_parcel"))
    return user


@pytest.fixture
def client(importer):
    c = APIClient()
    c.force_authenticate(importer)
    return c


@pytest.fixture(autouse=True)
def _job_dir(settings, tmp_path):
    settings.ARDH_IMPORT_DIR = tmp_path / "jobs"
    settings.ARDH_IMPORT_RUN_IN_THREAD = False


def _upload(tmp_path, plan, name="p.gpkg", n=4):
    path = write(frame(plan.number, n), tmp_path / name)
    return SimpleUploadedFile(name, path.read_bytes())


@pytest.mark.django_db
def test_upload_dry_run_report_then_commit(client, tmp_path, plan):
    r = client.post(URL, {"file": _upload(tmp_path, plan), "municipality": plan.municipality.code},
                    format="multipart")
    assert r.status_code == 202 and r.data["status"] == "queued"
    job_id = r.data["id"]
    assert run_pending() == 1  # the worker
    r = client.get(f"{URL}{job_id}/")
    assert r.data["status"] == "ready" and r.data["report"]["diff"]["new"] == 4
    assert not Parcel.objects.exists()
    r = client.post(f"{URL}{job_id}/commit/")
    assert r.status_code == 202 and r.data["status"] == "commit_queued"
    run_pending()
    assert client.get(f"{URL}{job_id}/").data["status"] == "committed"
    assert Parcel.objects.count() == 4
    assert client.post(f"{URL}{job_id}/commit/").status_code == 409  # not twice


@pytest.mark.django_db
def test_crs_confirmation_through_the_api(client, tmp_path, plan):
    df = frame(plan.number, 3, srid=20438).set_crs(None, allow_override=True)
    up = SimpleUploadedFile("nocrs.gpkg", write(df, tmp_path / "nocrs.gpkg").read_bytes())
    job_id = client.post(URL, {"file": up, "municipality": plan.municipality.code}, format="multipart").data["id"]
    run_pending()
    job = client.get(f"{URL}{job_id}/").data
    assert job["status"] == "failed" and job["error_code"] == "crs_confirmation_required"
    assert 20438 in [c["srid"] for c in job["error_details"]["candidates"]]
    up = SimpleUploadedFile("nocrs.gpkg", (tmp_path / "nocrs.gpkg").read_bytes())
    r = client.post(URL, {"file": up, "municipality": plan.municipality.code, "srid": 20438}, format="multipart")
    run_pending()
    assert client.get(f"{URL}{r.data['id']}/").data["report"]["crs"]["srid"] == 20438


@pytest.mark.django_db
def test_commit_refused_when_the_report_has_errors(client, tmp_path, plan):
    df = frame(plan.number, 2)
    df["PLAN_NO"] = "no-such-plan"
    up = SimpleUploadedFile("bad.geojson", write(df, tmp_path / "bad.geojson").read_bytes())
    job_id = client.post(URL, {"file": up, "municipality": plan.municipality.code}, format="multipart").data["id"]
    run_pending()
    assert client.get(f"{URL}{job_id}/").data["report"]["issue_counts"] == {"unknown_plan": 2}
    r = client.post(f"{URL}{job_id}/commit/")
    assert r.status_code == 409 and r.data["code"] == "has_errors"


@pytest.mark.django_db
def test_bad_requests_are_4xx(client, importer, tmp_path, plan, settings, django_user_model):
    assert client.post(URL, {"municipality": plan.municipality.code}, format="multipart").status_code == 400
    r = client.post(URL, {"file": SimpleUploadedFile("x.exe", b"MZ"), "municipality": plan.municipality.code},
                    format="multipart")
    assert r.status_code == 400 and "file" in r.data
    r = client.post(URL, {"file": _upload(tmp_path, plan), "municipality": plan.municipality.code,
                          "fields": "{not json"}, format="multipart")
    assert r.status_code == 400 and "fields" in r.data
    r = client.post(URL, {"file": _upload(tmp_path, plan), "municipality": plan.municipality.code, "srid": 2039},
                    format="multipart")
    assert r.status_code == 400 and "srid" in r.data
    settings.ARDH_IMPORT_MAX_UPLOAD_BYTES = 1000
    r = client.post(URL, {"file": _upload(tmp_path, plan), "municipality": plan.municipality.code},
                    format="multipart")
    assert r.status_code == 413 and not ImportJob.objects.exists()
    anonymous = APIClient()
    assert anonymous.post(URL, {}, format="multipart").status_code in (401, 403)
    nobody = APIClient()
    nobody.force_authenticate(django_user_model.objects.create_user("nobody"))
    assert nobody.get(URL).status_code == 403
    assert client.get(f"{URL}999999/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_request_returns_at_once_and_a_thread_runs_the_job(client, tmp_path, plan, settings):
    settings.ARDH_IMPORT_RUN_IN_THREAD = True
    r = client.post(URL, {"file": _upload(tmp_path, plan, n=8), "municipality": plan.municipality.code},
                    format="multipart")
    assert r.status_code == 202
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job = client.get(f"{URL}{r.data['id']}/").data
        if job["status"] not in ("queued", "running"):
            break
        time.sleep(0.1)
    assert job["status"] == "ready" and job["report"]["diff"]["new"] == 8


@pytest.mark.django_db
def test_worker_command_runs_queued_jobs(client, tmp_path, plan):
    from django.core.management import call_command

    client.post(URL, {"file": _upload(tmp_path, plan), "municipality": plan.municipality.code}, format="multipart")
    call_command("run_import_worker", "--once")
    assert ImportJob.objects.get().status == "ready"
