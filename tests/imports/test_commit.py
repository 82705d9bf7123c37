import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import ChangeRecord
from parcels.models import Parcel
from tests.imports.helpers import frame, run, square, to_lonlat, write


@pytest.mark.django_db
def test_reimport_is_idempotent_and_changes_are_versioned_with_history(tmp_path, plan):
    path = write(frame(plan.number, 5), tmp_path / "a.gpkg")
    first = run(path, plan.municipality, commit=True)
    assert first["diff"]["new"] == 5
    assert ChangeRecord.objects.filter(entity="parcels.parcel", action="create").count() == 5
    again = run(path, plan.municipality, commit=True)
    assert again["diff"] == {**again["diff"], "new": 0, "changed": 0, "unchanged": 5, "retire": 0}
    assert set(Parcel.objects.values_list("version", flat=True)) == {1}

    df = frame(plan.number, 4)
    df.loc[0, "geometry"] = to_lonlat(square(0, size=25))
    df.loc[1, "LAND_USE"] = "commercial"
    third = run(write(df, tmp_path / "b.gpkg"), plan.municipality, commit=True)
    assert third["diff"] == {"new": 0, "changed": 2, "changed_geometry": 1, "changed_attributes": 1,
                             "unchanged": 2, "retire": 1}
    p101, p102 = Parcel.objects.get(number="101"), Parcel.objects.get(number="102")
    assert p101.version == 2 and p101.area_m2 == pytest.approx(625, rel=0.01)
    assert p102.land_use == "commercial" and p102.version == 2
    rec = ChangeRecord.objects.get(object_id=p102.pk, action="update")
    assert rec.changes["land_use"] == ["residential", "commercial"] and rec.actor_label == "test"
    assert "geom" in ChangeRecord.objects.get(object_id=p101.pk, action="update").changes
    retired = Parcel.objects.get(number="105")
    assert retired.valid_to is not None
    assert ChangeRecord.objects.filter(object_id=retired.pk, action="retire").exists()
    assert ChangeRecord.objects.filter(entity="accounts.municipality", action="import").count() == 3


@pytest.mark.django_db
def test_keep_missing_leaves_other_parcels(tmp_path, plan):
    run(write(frame(plan.number, 5), tmp_path / "a.gpkg"), plan.municipality, commit=True)
    report = run(write(frame(plan.number, 2), tmp_path / "b.gpkg"), plan.municipality, commit=True,
                 retire_missing=False)
    assert report["diff"]["retire"] == 0 and Parcel.objects.filter(valid_to__isnull=True).count() == 5


@pytest.mark.django_db
def test_command_dry_run_and_commit(tmp_path, plan, capsys):
    path = write(frame(plan.number, 3), tmp_path / "a.geojson")
    call_command("import_parcels", str(path), municipality=plan.municipality.code)
    out = capsys.readouterr().out
    assert "3 new" in out and "dry run" in out and not Parcel.objects.exists()
    call_command("import_parcels", str(path), "--commit", municipality=plan.municipality.code)
    assert Parcel.objects.count() == 3
    csv = tmp_path / "a.csv"
    csv.write_text("PLAN_NO,PARCEL_NO,LAND_USE,WKT\n")
    with pytest.raises(CommandError, match=r"\[empty\]"):
        call_command("import_parcels", str(csv), municipality=plan.municipality.code)


@pytest.mark.django_db
def test_command_lists_crs_candidates(tmp_path, plan):
    path = write(frame(plan.number, 2, srid=20438).set_crs(None, allow_override=True), tmp_path / "a.gpkg")
    with pytest.raises(CommandError) as err:
        call_command("import_parcels", str(path), municipality=plan.municipality.code)
    assert "--srid 20438" in str(err.value) and "--srid 9358" in str(err.value)


@pytest.mark.django_db
def test_saved_mapping_is_reused(tmp_path, plan):
    df = frame(plan.number, 2).rename(columns={"PARCEL_NO": "QTA", "PLAN_NO": "MKH"})
    path = write(df, tmp_path / "a.gpkg")
    first = run(path, plan.municipality, source="survey-office-1", fields={"number": "QTA", "plan_number": "MKH"})
    assert first["diff"]["new"] == 2
    again = run(path, plan.municipality, source="survey-office-1")
    assert again["mapping"]["fields"]["number"] == "QTA" and again["diff"]["new"] == 2


@pytest.mark.django_db(transaction=True)
def test_kill_9_mid_commit_leaves_the_database_as_before(tmp_path, plan):
    run(write(frame(plan.number, 3), tmp_path / "a.gpkg"), plan.municipality, commit=True)
    before = sorted(Parcel.objects.values_list("id", "version", "valid_to"))
    records = ChangeRecord.objects.count()
    df = frame(plan.number, 40)
    df["LAND_USE"] = "commercial"
    path = write(df, tmp_path / "b.gpkg")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "ARDH_DB_NAME": settings.DATABASES["default"]["NAME"]}
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "import_parcels", str(path), "--municipality", plan.municipality.code,
         "--commit", "--pause-before-commit", "60"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        line = ""
        while "ARDH-IMPORT-WRITTEN" not in line and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "the import exited before writing"
        assert "ARDH-IMPORT-WRITTEN" in line
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert sorted(Parcel.objects.values_list("id", "version", "valid_to")) == before
    assert ChangeRecord.objects.count() == records
    assert set(Parcel.objects.values_list("land_use", flat=True)) == {"residential"}


@pytest.mark.django_db
def test_a_committed_import_refreshes_the_map_tiles(tmp_path, plan, client, settings,
                                                     django_capture_on_commit_callbacks):
    import mapbox_vector_tile

    from tiles.grid import tiles_touching

    settings.ARDH_TILE_CACHE_DIR = str(tmp_path / "tiles")
    with django_capture_on_commit_callbacks(execute=True):
        run(write(frame(plan.number, 3), tmp_path / "a.gpkg"), plan.municipality, commit=True)
    parcel = Parcel.objects.get(number="101")
    c = parcel.geom.point_on_surface
    t = next(iter(tiles_touching((c.x, c.y, c.x, c.y), 17, buffer=0)))
    url = f"/tiles/parcels/{t.z}/{t.x}/{t.y}.mvt"
    assert client.get(url)["X-Tile-Cache"] == "MISS" and client.get(url)["X-Tile-Cache"] == "HIT"

    df = frame(plan.number, 3)
    df.loc[0, "LAND_USE"] = "commercial"
    with django_capture_on_commit_callbacks(execute=True):
        run(write(df, tmp_path / "b.gpkg"), plan.municipality, commit=True)
    fresh = client.get(url)
    assert fresh["X-Tile-Cache"] == "MISS"
    features = mapbox_vector_tile.decode(fresh.content)["parcels"]["features"]
    uses = {f["id"]: f["properties"]["land_use"] for f in features}
    assert uses[parcel.pk] == "commercial"


@pytest.mark.django_db
def test_new_parcels_are_written_in_spatial_order_whatever_the_files_order(tmp_path, plan):
    """Record ids follow PostGIS's geometry order (a Hilbert curve), not the file's shuffled rows:
    neighbours are written together, which keeps the live table's index maintenance local."""
    df = frame(plan.number, 30).sample(frac=1, random_state=7).reset_index(drop=True)
    run(write(df, tmp_path / "shuffled.gpkg"), plan.municipality, commit=True)
    by_id = list(Parcel.objects.order_by("pk").values_list("number", flat=True))
    with connection.cursor() as cur:
        cur.execute("SELECT number FROM parcels_parcel WHERE plan_id = %s ORDER BY geom", [plan.pk])
        by_geometry = [r[0] for r in cur.fetchall()]
    assert by_id == by_geometry and by_id != list(df["PARCEL_NO"])
