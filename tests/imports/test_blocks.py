"""Blocks as an import target: mapping, validation, commit with history, export round trip."""

import pytest
from django.core.management import call_command

from audit.models import ChangeRecord
from imports.errors import ImportRefused
from parcels.models import Block, Parcel
from tests.imports.helpers import run as run_import
from tests.imports.helpers import square, to_lonlat, write


def blocks_frame(plan_number, n=4, *, size=30.0, pitch=40.0, numbers=None):
    import geopandas as gpd

    geoms = [to_lonlat(square(i, size=size, pitch=pitch)) for i in range(n)]
    return gpd.GeoDataFrame({"PLAN_NO": [plan_number] * n, "BLOCK_NO": numbers or [str(i + 1) for i in range(n)]},
                            geometry=geoms, crs="EPSG:4326")


def run(path, municipality, **kw):
    return run_import(path, municipality, target="blocks", **kw)


@pytest.mark.django_db
def test_blocks_import_with_guessed_mapping_and_history(tmp_path, plan):
    path = write(blocks_frame(plan.number), tmp_path / "blocks.gpkg")
    dry = run(path, plan.municipality)
    assert dry["target"] == "blocks" and dry["mapping"]["fields"] == {"plan_number": "PLAN_NO", "number": "BLOCK_NO"}
    assert dry["errors"] == 0 and dry["diff"]["new"] == 4 and not Block.objects.exists()
    done = run(path, plan.municipality, commit=True, actor="surveyor")
    assert done["committed"]
    assert sorted(Block.objects.filter(plan=plan).values_list("number", flat=True)) == ["1", "2", "3", "4"]
    assert not Parcel.objects.exists()  # blocks, not parcels (no land use was needed)
    history = ChangeRecord.objects.filter(entity="parcels.block", action="create")
    assert history.count() == 4 and history.first().actor_label == "surveyor"
    again = run(path, plan.municipality, commit=True)
    assert again["diff"] == {"new": 0, "changed": 0, "changed_geometry": 0, "changed_attributes": 0,
                             "unchanged": 4, "retire": 0}


@pytest.mark.django_db
def test_block_reshaped_and_one_missing_is_kept(tmp_path, plan):
    run(write(blocks_frame(plan.number), tmp_path / "a.gpkg"), plan.municipality, commit=True)
    df = blocks_frame(plan.number, 3, size=35.0)  # blocks 1-3 grow, block 4 is not in the file
    report = run(write(df, tmp_path / "b.gpkg"), plan.municipality, commit=True)
    assert report["diff"]["changed_geometry"] == 3 and report["diff"]["retire"] == 0
    assert Block.objects.count() == 4  # blocks are never removed by an import (parcels point to them)
    b1 = Block.objects.get(number="1")
    assert b1.version == 2
    change = ChangeRecord.objects.get(entity="parcels.block", object_id=b1.pk, action="update")
    assert set(change.changes) == {"geom", "version"}


@pytest.mark.django_db
def test_block_checks(tmp_path, plan):
    df = blocks_frame(plan.number, 3, numbers=["1", "1", "2"])
    df.loc[2, "geometry"] = to_lonlat(square(0, size=30.0).buffer(-5))  # inside block 1: an overlap
    df.loc[2, "PLAN_NO"] = plan.number
    report = run(write(df, tmp_path / "bad.gpkg"), plan.municipality, commit=True)
    assert not report["committed"] and not Block.objects.exists()
    codes = {(i["feature"], i["code"]) for i in report["issues"]}
    assert {(0, "duplicate_number"), (1, "duplicate_number"), (0, "overlap_incoming"),
            (2, "overlap_incoming")} <= codes
    assert "missing_land_use" not in report["issue_counts"]
    other = blocks_frame("no-such-plan", 1)
    assert run(write(other, tmp_path / "o.gpkg"), plan.municipality)["issue_counts"] == {"unknown_plan": 1}
    with pytest.raises(ImportRefused) as err:
        run(write(blocks_frame(plan.number, 1), tmp_path / "m.gpkg"), plan.municipality,
            fields={"land_use": "BLOCK_NO"})
    assert err.value.code == "mapping"


@pytest.mark.django_db
def test_blocks_overlapping_existing_blocks_of_another_plan(tmp_path, plan):
    from tests.factories import PlanFactory

    run(write(blocks_frame(plan.number, 2), tmp_path / "a.gpkg"), plan.municipality, commit=True)
    second = PlanFactory(municipality=plan.municipality)
    report = run(write(blocks_frame(second.number, 1), tmp_path / "b.gpkg"), plan.municipality)
    assert report["issue_counts"] == {"overlap_existing": 1}


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["gpkg", "shp", "geojson"])
def test_blocks_export_then_reimport_round_trip(tmp_path, plan, fmt):
    run(write(blocks_frame(plan.number), tmp_path / "a.gpkg"), plan.municipality, commit=True)
    out = tmp_path / f"blocks.{'zip' if fmt == 'shp' else fmt}"
    call_command("export_layer", "blocks", format=fmt, srid=4326, out=str(out), municipality=plan.municipality.code)
    report = run(out, plan.municipality)
    assert report["errors"] == 0, report["issues"]
    assert report["diff"]["unchanged"] == 4 and report["diff"]["new"] == 0


@pytest.mark.django_db
def test_blocks_through_the_command(tmp_path, plan):
    from io import StringIO

    path = write(blocks_frame(plan.number, 2), tmp_path / "blocks.gpkg")
    out = StringIO()
    call_command("import_parcels", str(path), municipality=plan.municipality.code, target="blocks", commit=True,
                 stdout=out)
    assert Block.objects.count() == 2
