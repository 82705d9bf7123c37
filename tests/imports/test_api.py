import json
import time

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from accounts.services import api_key_create
from imports.jobs import run_pending
from imports.models import ImportJob
from parcels.models import Parcel
from tests.factories import MunicipalityFactory, PlanFactory, grant_scopes
from tests.imports.helpers import frame, write

URL = "/api/v1/imports/"


@pytest.fixture
def importer(db, django_user_model, plan):
    user = django_user_model.objects.create_user("importer", password="x")
    user.user_permissions.add(Permission.objects.get(codename="add_parcel"))
    grant_scopes(user=user, municipality=plan.municipality, scopes=["read", "write"])
    return user


@pytest.fixture
def client(importer):
    c = APIClient()
    c.force_authenticate(importer)
    return c


@pytest.fixture(autouse=True)
def _job_dir(settings, tmp_path):
    settings.ARDH_IMPORT_DIR = tmp_path / "jobs"


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
def test_a_commit_whose_worker_died_is_run_again(client, tmp_path, plan):
    """A worker killed mid-commit rolled its transaction back and left the job "committing"; its advisory lock
    went with its connection, so the next worker runs the commit again. A live worker's job is left alone."""
    from django.db import connections

    from imports.jobs import LOCKS
    from imports.models import ImportJob

    job_id = client.post(URL, {"file": _upload(tmp_path, plan), "municipality": plan.municipality.code},
                         format="multipart").data["id"]
    run_pending()
    ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.COMMITTING)
    worker = connections.create_connection("default")
    try:
        with worker.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCKS, job_id])
            assert cursor.fetchone()[0]
        assert run_pending() == 0
        assert client.get(f"{URL}{job_id}/").data["status"] == "committing"
    finally:
        worker.close()  # the worker's process is gone
    assert run_pending() == 1
    assert client.get(f"{URL}{job_id}/").data["status"] == "committed"
    assert Parcel.objects.count() == 4


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


def test_the_request_returns_at_once_and_the_worker_runs_the_job(worker, client, tmp_path, plan):
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
    r = client.post(f"{URL}{r.data['id']}/commit/")
    assert r.status_code == 202
    while (job := client.get(f"{URL}{r.data['id']}/").data)["status"] in ("commit_queued", "committing"):
        assert time.monotonic() < deadline, worker.output()
        time.sleep(0.1)
    assert job["status"] == "committed" and Parcel.objects.count() == 8


@pytest.mark.django_db(transaction=True)
def test_no_job_for_a_rolled_back_upload(tmp_path, plan, importer):
    """The queue job is written in the upload's transaction: rolled back, it is gone with the row."""
    from django.db import transaction

    from imports.jobs import job_create
    from tests.worker import clear_queue

    clear_queue()
    with pytest.raises(RuntimeError), transaction.atomic():
        job_create(municipality=plan.municipality, actor=importer, upload=_upload(tmp_path, plan), options={})
        raise RuntimeError("the request failed after queueing")
    job = job_create(municipality=plan.municipality, actor=importer, upload=_upload(tmp_path, plan), options={})
    with connection.cursor() as cursor:
        cursor.execute("SELECT args FROM procrastinate_jobs WHERE task_name = 'imports.run'")
        assert [json.loads(row[0]) for row in cursor.fetchall()] == [{"job_id": job.pk}]


@pytest.mark.django_db
def test_worker_command_runs_queued_jobs(client, tmp_path, plan):
    from django.core.management import call_command

    client.post(URL, {"file": _upload(tmp_path, plan), "municipality": plan.municipality.code}, format="multipart")
    call_command("run_import_worker", "--once")
    assert ImportJob.objects.get().status == "ready"


def _key_client(municipality, scopes=("read", "write")):
    _, token = api_key_create(municipality=municipality, name="gis", scopes=list(scopes))
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
    return c


@pytest.mark.django_db
def test_a_caller_of_one_municipality_cannot_import_into_another(client, tmp_path, plan):
    other = PlanFactory(municipality=MunicipalityFactory())
    r = client.post(URL, {"file": _upload(tmp_path, other), "municipality": other.municipality.code},
                    format="multipart")
    nowhere = client.post(URL, {"file": _upload(tmp_path, other), "municipality": "no-such-town"},
                          format="multipart")
    # Another municipality is as unknown as one that does not exist: same status, same words.
    assert r.status_code == nowhere.status_code == 404
    assert r.data["detail"].replace(other.municipality.code, "X") == nowhere.data["detail"].replace("no-such-town", "X")
    keyed = _key_client(plan.municipality)
    r = keyed.post(URL, {"file": _upload(tmp_path, other), "municipality": other.municipality.code},
                   format="multipart")
    assert r.status_code == 404
    assert not ImportJob.objects.exists()
    # Leaving the municipality out means the caller's own.
    r = keyed.post(URL, {"file": _upload(tmp_path, plan)}, format="multipart")
    assert r.status_code == 202 and r.data["municipality"] == plan.municipality.code


@pytest.mark.django_db
def test_jobs_of_another_municipality_are_not_found(client, tmp_path, plan, django_user_model):
    other = PlanFactory(municipality=MunicipalityFactory())
    theirs = _key_client(other.municipality)
    job_id = theirs.post(URL, {"file": _upload(tmp_path, other)}, format="multipart").data["id"]
    run_pending()
    assert theirs.get(f"{URL}{job_id}/").data["status"] == "ready"
    mine = _key_client(plan.municipality)
    for c in (client, mine):
        assert c.get(f"{URL}{job_id}/").status_code == 404
        assert c.post(f"{URL}{job_id}/commit/").status_code == 404
        assert job_id not in [j["id"] for j in c.get(URL).data]
    assert ImportJob.objects.get(pk=job_id).status == "ready"  # the foreign commit did nothing
    # Within a municipality its importers (people and keys) share the jobs.
    own_id = mine.post(URL, {"file": _upload(tmp_path, plan)}, format="multipart").data["id"]
    assert client.get(f"{URL}{own_id}/").status_code == 200
    # An unbound superuser administers every municipality.
    admin = APIClient()
    admin.force_authenticate(django_user_model.objects.create_superuser("root", password="x"))
    assert {j["id"] for j in admin.get(URL).data} == {job_id, own_id}


@pytest.mark.django_db
def test_importing_needs_the_write_scope(tmp_path, plan, django_user_model):
    reader = _key_client(plan.municipality, scopes=("read",))
    assert reader.post(URL, {"file": _upload(tmp_path, plan)}, format="multipart").status_code == 403
    assert reader.get(URL).status_code == 403
    user = django_user_model.objects.create_user("viewer")
    user.user_permissions.add(Permission.objects.get(codename="add_parcel"))
    grant_scopes(user=user, municipality=plan.municipality, scopes=["read"])
    c = APIClient()
    c.force_authenticate(user)
    assert c.post(URL, {"file": _upload(tmp_path, plan)}, format="multipart").status_code == 403
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_a_key_import_is_recorded_under_the_key(tmp_path, plan):
    from audit.models import ChangeRecord

    keyed = _key_client(plan.municipality)
    job_id = keyed.post(URL, {"file": _upload(tmp_path, plan, n=2)}, format="multipart").data["id"]
    run_pending()
    keyed.post(f"{URL}{job_id}/commit/")
    run_pending()
    assert keyed.get(f"{URL}{job_id}/").data["status"] == "committed"
    labels = set(ChangeRecord.objects.filter(entity="parcels.parcel").values_list("actor_label", flat=True))
    assert len(labels) == 1 and labels.pop().startswith("api-key ")


@pytest.mark.django_db
def test_blocks_through_the_api(client, tmp_path, plan):
    from parcels.models import Block
    from tests.imports.test_blocks import blocks_frame

    up = SimpleUploadedFile("b.gpkg", write(blocks_frame(plan.number, 3), tmp_path / "b.gpkg").read_bytes())
    job_id = client.post(URL, {"file": up, "target": "blocks"}, format="multipart").data["id"]
    run_pending()
    assert client.get(f"{URL}{job_id}/").data["report"]["diff"]["new"] == 3
    client.post(f"{URL}{job_id}/commit/")
    run_pending()
    assert Block.objects.filter(plan=plan).count() == 3
    r = client.post(URL, {"file": up, "target": "streets"}, format="multipart")
    assert r.status_code == 400 and "target" in r.data
