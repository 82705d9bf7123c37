"""Every bad input ends in a clear refusal or a report that says what and where; nothing half-written."""

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from imports.errors import ImportRefused
from parcels.models import Parcel
from tests.imports import dxfwriter as dxf
from tests.imports.helpers import frame, run, square, to_lonlat, write
from tests.shapes import lonlat


def _zip(path, files: dict):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def _shapefile_files(tmp_path, df, **kw):
    write(df, tmp_path / "parcels.shp", **kw)
    return {p.name: p.read_bytes() for p in tmp_path.glob("parcels.*")}


@pytest.mark.django_db
def test_zip_bomb_refused(tmp_path, plan):
    path = _zip(tmp_path / "bomb.zip", {"parcels.geojson": b"\0" * (60 * 1024 * 1024)})
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(ImportRefused) as err:
        run(path, plan.municipality)
    assert err.value.code == "zip_bomb"


@pytest.mark.django_db
def test_zip_slip_entry_refused_and_nothing_written(tmp_path, plan):
    files = _shapefile_files(tmp_path / "", frame(plan.number))
    files["../../evil.shp"] = b"x"
    path = _zip(tmp_path / "slip.zip", files)
    with pytest.raises(ImportRefused) as err:
        run(path, plan.municipality)
    assert err.value.code == "zip_slip" and "../../evil.shp" in err.value.messages[0]
    assert not (tmp_path.parent / "evil.shp").exists()


@pytest.mark.django_db
def test_missing_prj_means_crs_unknown_until_confirmed(tmp_path, plan):
    files = _shapefile_files(tmp_path, frame(plan.number))
    del files["parcels.prj"]
    path = _zip(tmp_path / "noprj.zip", files)
    with pytest.raises(ImportRefused) as err:
        run(path, plan.municipality)
    assert err.value.code == "crs_confirmation_required"
    report = run(path, plan.municipality, srid=4326)
    assert report["errors"] == 0 and report["diff"]["new"] == 6
    assert any(".prj" in n for n in report["source"]["notes"])


@pytest.mark.django_db
def test_shp_without_dbf_refused(tmp_path, plan):
    files = _shapefile_files(tmp_path, frame(plan.number))
    del files["parcels.dbf"]
    with pytest.raises(ImportRefused) as err:
        run(_zip(tmp_path / "nodbf.zip", files), plan.municipality)
    assert err.value.code == "shp_incomplete" and ".dbf" in err.value.messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize("encoding,expected", [("cp1256", "CP1256"), ("utf-8", "UTF-8")])
def test_arabic_attributes_in_cp1256_and_utf8(tmp_path, plan, encoding, expected):
    df = frame(plan.number, 3, land_use="سكني", NAME=["أرض الرس", "قطعة", "حي الملك"])
    files = _shapefile_files(tmp_path, df, encoding=encoding)
    files.pop("parcels.cpg", None)  # old desktop GIS writes no .cpg: the encoding must be detected
    report = run(_zip(tmp_path / "ar.zip", files), plan.municipality, commit=True)
    assert report["source"]["encoding"] == expected
    assert report["committed"], report["issues"]
    assert set(Parcel.objects.values_list("land_use", flat=True)) == {"residential"}


@pytest.mark.django_db
def test_empty_files_refused(tmp_path, plan):
    (tmp_path / "empty.geojson").write_bytes(b"")
    with pytest.raises(ImportRefused) as err:
        run(tmp_path / "empty.geojson", plan.municipality)
    assert err.value.code == "empty"
    (tmp_path / "nofeat.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(ImportRefused) as err:
        run(tmp_path / "nofeat.geojson", plan.municipality)
    assert err.value.code == "empty"


@pytest.mark.django_db
def test_million_vertex_polygon_reported(tmp_path, plan):
    cx, cy = lonlat(2000, 2000)
    t = np.linspace(0, 2 * np.pi, 1_000_000, endpoint=False)
    ring = np.column_stack([cx + 0.001 * np.cos(t), cy + 0.001 * np.sin(t)])
    huge = Polygon(np.vstack([ring, ring[:1]]))
    assert shapely.get_num_coordinates(huge) == 1_000_001
    geoms = [to_lonlat(square(0)), huge]
    report = run(write(frame(plan.number, geoms=geoms), tmp_path / "huge.gpkg"), plan.municipality, commit=True)
    assert report["committed"] is False and report["issue_counts"] == {"too_many_vertices": 1}
    assert report["issues"][0]["feature"] == 1 and "1000001" in report["issues"][0]["message"]
    assert not Parcel.objects.exists()


@pytest.mark.django_db
def test_nan_coordinates_reported(tmp_path, plan):
    a, b = lonlat(0, 0), lonlat(30, 30)
    nan_poly = Polygon([a, (b[0], a[1]), (float("nan"), b[1]), (a[0], b[1]), a])
    report = run(write(frame(plan.number, geoms=[to_lonlat(square(0)), nan_poly]), tmp_path / "nan.gpkg"),
                 plan.municipality)
    assert report["issue_counts"] == {"not_finite": 1} and report["issues"][0]["feature"] == 1


@pytest.mark.django_db
def test_mixed_geometry_types_reported(tmp_path, plan):
    geoms = [to_lonlat(square(0)), LineString([lonlat(0, 0), lonlat(10, 10)]), Point(lonlat(5, 5)), None]
    report = run(write(frame(plan.number, geoms=geoms), tmp_path / "mixed.geojson"), plan.municipality)
    assert report["issue_counts"] == {"wrong_type": 2, "null_geometry": 1}
    assert {i["feature"] for i in report["issues"]} == {1, 2, 3}
    assert report["invalid_features"] == 3 and report["diff"]["new"] == 4


@pytest.mark.django_db
def test_dxf_with_blocks_and_bulges(tmp_path, plan):
    from pyproj import Transformer

    tr = Transformer.from_crs(4326, 20438, always_xy=True)
    x0, y0 = tr.transform(*lonlat(0, 0))
    ents = dxf.polyline([(x0, y0), (x0 + 30, y0), (x0 + 30, y0 + 30), (x0, y0 + 30)], bulges={1: 0.25})
    ents += dxf.text(x0 + 15, y0 + 15, "101")
    ents += dxf.insert("STD_PARCEL", x0 + 60, y0) + dxf.insert("STD_PARCEL", x0 + 100, y0)
    ents += dxf.text(x0 + 75, y0 + 15, "102") + dxf.text(x0 + 115, y0 + 15, "103")
    ents += dxf.polyline([(x0 - 10, y0 - 10), (x0 + 200, y0 - 10), (x0 + 200, y0 + 50), (x0 - 10, y0 + 50)],
                         layer="PLAN_OUTLINE")
    block = dxf.polyline([(0, 0), (30, 0), (30, 30), (0, 30)])
    path = dxf.write(tmp_path / "plan.dxf", ents, blocks={"STD_PARCEL": block})
    report = run(path, plan.municipality, srid=20438, commit=True,
                 defaults={"plan_number": plan.number, "land_use": "residential"})
    assert report["committed"], report["issues"]
    assert report["features"] == 3 and any("outline" in n for n in report["source"]["notes"])
    areas = dict(Parcel.objects.values_list("number", "area_m2"))
    assert set(areas) == {"101", "102", "103"}
    assert areas["102"] == pytest.approx(900, rel=0.01)
    # The bulge arcs one edge outward: a segment of a circle added to the square.
    assert areas["101"] > areas["102"] + 50


@pytest.mark.django_db
def test_invalid_geometry_reported_with_reason_and_location_then_repaired_on_request(tmp_path, plan):
    a, b = lonlat(0, 0), lonlat(30, 30)
    bowtie = Polygon([a, b, (b[0], a[1]), (a[0], b[1]), a])
    path = write(frame(plan.number, geoms=[to_lonlat(square(5)), bowtie]), tmp_path / "bow.gpkg")
    report = run(path, plan.municipality, commit=True)
    assert report["committed"] is False and "nothing was written" in report["refused"]
    issue = report["issues"][0]
    assert issue["code"] == "invalid" and "Self-intersection" in issue["message"]
    assert issue["location"] == pytest.approx([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], abs=1e-5)
    assert not Parcel.objects.exists()
    fixed = run(path, plan.municipality, commit=True, repair=True)
    assert fixed["committed"] and fixed["repaired"] == 1
    assert [i["feature"] for i in fixed["issues"] if i["code"] == "repaired"] == [1]
    assert Parcel.objects.get(number="102").geom.valid


@pytest.mark.django_db
def test_register_rules_reported(tmp_path, plan, muni):
    from tests.factories import ParcelFactory

    ParcelFactory(plan=plan, municipality=plan.municipality, number="900",
                  geom=__import__("tests.shapes", fromlist=["rect"]).rect(800, 0, 830, 30))
    from tests.factories import PlanFactory

    other_plan = PlanFactory(municipality=plan.municipality, number="7777")
    geoms = [to_lonlat(square(0)), to_lonlat(square(0).buffer(-5)), to_lonlat(square(1, shift=-9.8)),
             to_lonlat(square(2)), to_lonlat(square(3)), to_lonlat(square(0, shift=6000)),
             shapely.Polygon(np.array([lonlat(815, 10), lonlat(900, 10), lonlat(900, 20), lonlat(815, 20)]))]
    df = frame(plan.number, geoms=geoms)
    df.loc[3, "PARCEL_NO"] = "101"  # duplicate of feature 0
    df.loc[4, "PLAN_NO"] = "no-such-plan"
    df.loc[6, "PLAN_NO"] = other_plan.number
    path = write(df, tmp_path / "rules.gpkg")
    authoritative = run(path, plan.municipality)  # parcel 900 is not in the file: it would be retired
    assert authoritative["diff"]["retire"] == 1 and "overlap_existing" not in authoritative["issue_counts"]
    report = run(path, plan.municipality, retire_missing=False)
    codes = {(i["feature"], i["code"]) for i in report["issues"]}
    assert (0, "overlap_incoming") in codes and (1, "overlap_incoming") in codes
    gap = next(i for i in report["issues"] if i["code"] == "gap")  # feature 2 sits 0.2 m from feature 0
    assert gap["feature"] == 0 and "0.20 m" in gap["message"] and "103" in gap["message"]
    assert (0, "duplicate_number") in codes and (3, "duplicate_number") in codes
    assert (4, "unknown_plan") in codes and (5, "outside") in codes
    assert (6, "overlap_existing") in codes
    overlap = next(i for i in report["issues"] if i["code"] == "overlap_existing")
    assert f"{plan.number} / 900" in overlap["message"] and "location" in overlap


# --- issue 15: every feature gets its own line, with reason and location; a passing dry run commits ----------


def _geojson(tmp_path, plan, geometries, name="f.geojson", props_of: dict | None = None) -> Path:
    features = []
    for i, g in enumerate(geometries):
        props = {"PLAN_NO": plan.number, "PARCEL_NO": str(101 + i), "LAND_USE": "residential"}
        props |= (props_of or {}).get(i, {})
        features.append({"type": "Feature", "properties": props, "geometry": g})
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _ring(i: int) -> list:
    return [list(c) for c in to_lonlat(square(i)).exterior.coords]


def _poly(ring) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


def _by_feature(report) -> dict:
    return {i["feature"]: i for i in report["issues"]}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["Polygon", "MultiPolygon"])
def test_ring_of_three_points_is_that_features_error_and_the_rest_is_checked(tmp_path, plan, kind):
    a = _ring(1)
    short = _poly([a[0], a[1], a[0]])
    if kind == "MultiPolygon":  # the short ring in the second part
        short = {"type": kind, "coordinates": [[_ring(8)], short["coordinates"]]}
    geoms = [_poly(_ring(0)), short, _poly(_ring(2)), _poly(_ring(3))]
    path = _geojson(tmp_path, plan, geoms, props_of={3: {"LAND_USE": "no-such-use"}})
    report = run(path, plan.municipality)
    issues = _by_feature(report)
    assert issues[1]["code"] == "too_few_points" and issues[1]["location"] == pytest.approx(a[0], abs=1e-7)
    assert issues[3]["code"] == "bad_land_use"  # the other features were checked too
    assert report["diff"]["new"] == 4 and report["errors"] == 2


@pytest.mark.django_db
def test_broken_geometries_say_why_and_where(tmp_path, plan):
    a = _ring(1)
    unclosed = "POLYGON((" + ", ".join(f"{x} {y}" for x, y in a[:4]) + "))"
    rows = [("101", to_lonlat(square(0)).wkt), ("102", unclosed), ("103", "POLYGON((1 2, 3 4"),
            ("104", "POLYGON((" + ", ".join(f"{x} {y}" for x, y in [a[0], a[1], a[0]]) + "))")]
    path = tmp_path / "broken.csv"
    path.write_text("PLAN_NO,PARCEL_NO,LAND_USE,WKT\n" + "".join(
        f'{plan.number},{n},residential,"{wkt}"\n' for n, wkt in rows))
    report = run(path, plan.municipality, srid=4326)
    issues = _by_feature(report)
    assert set(issues) == {1, 2, 3}
    assert issues[1]["code"] == "unclosed_ring" and issues[1]["location"] == pytest.approx(a[0], abs=1e-7)
    assert issues[2]["code"] == "unreadable_geometry" and "POLYGON((1 2, 3 4" in issues[2]["message"]
    assert issues[3]["code"] == "too_few_points" and issues[3]["location"] == pytest.approx(a[0], abs=1e-7)
    assert not any("no geometry" in i["message"] for i in report["issues"])


@pytest.mark.django_db
def test_nan_coordinates_are_located(tmp_path, plan):
    a, b = lonlat(0, 0), lonlat(30, 30)
    nan_poly = Polygon([a, (b[0], a[1]), (float("nan"), b[1]), (a[0], b[1]), a])
    report = run(write(frame(plan.number, geoms=[to_lonlat(square(5)), nan_poly]), tmp_path / "nan.gpkg"),
                 plan.municipality)
    assert report["issues"][0]["code"] == "not_finite"
    assert report["issues"][0]["location"] == pytest.approx(list(a), abs=1e-7)


@pytest.mark.django_db
def test_string_coordinates_are_one_features_error_not_a_crash(tmp_path, plan):
    bad = _poly([[str(x), str(y)] for x, y in _ring(1)])
    report = run(_geojson(tmp_path, plan, [_poly(_ring(0)), bad, _poly(_ring(2))]), plan.municipality)
    issues = _by_feature(report)
    assert set(issues) == {1} and report["errors"] == 1
    assert issues[1]["code"] == "invalid_geojson" and "number" in issues[1]["message"]


@pytest.mark.django_db
def test_heights_are_dropped_and_said_and_the_commit_passes(tmp_path, plan):
    with_z = _poly([[x, y, 612.5] for x, y in _ring(1)])
    path = _geojson(tmp_path, plan, [_poly(_ring(0)), with_z])
    dry = run(path, plan.municipality)
    assert dry["errors"] == 0 and dry["issue_counts"] == {"z_dropped": 1}
    assert _by_feature(dry)[1]["severity"] == "warning"
    done = run(path, plan.municipality, commit=True)
    assert done["committed"], done.get("refused")
    assert not Parcel.objects.get(number="102").geom.hasz


@pytest.mark.django_db
@pytest.mark.parametrize("field,value", [("PARCEL_NO", "9" * 100_000), ("DEED_NO", "7" * 33)])
def test_an_over_long_attribute_fails_the_dry_run_not_the_commit(tmp_path, plan, field, value):
    path = _geojson(tmp_path, plan, [_poly(_ring(0)), _poly(_ring(1))], props_of={1: {field: value}})
    dry = run(path, plan.municipality)
    issue = _by_feature(dry)[1]
    assert issue["code"] == "too_long" and f"{len(value)} characters" in issue["message"]
    assert len(issue["message"]) < 300 and len(issue["number"] or "") < 300
    done = run(path, plan.municipality, commit=True)  # refused by the report, not by the database
    assert done["committed"] is False and "nothing was written" in done["refused"]
    assert not Parcel.objects.exists()


def _in_utm(ring: list, srid: int = 9358) -> list:
    from pyproj import Transformer

    tr = Transformer.from_crs(4326, srid, always_xy=True)
    return [list(tr.transform(x, y)) for x, y in ring]


@pytest.mark.django_db
def test_a_geometrys_own_crs_is_honoured_and_said(tmp_path, plan):
    utm = _poly(_in_utm(_ring(1))) | {"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::9358"}}}
    path = _geojson(tmp_path, plan, [_poly(_ring(0)), utm])
    dry = run(path, plan.municipality)  # was: refused, "says EPSG:4326 but its coordinates are not lon/lat"
    assert dry["errors"] == 0 and dry["issue_counts"] == {"crs_transformed": 1}
    assert "9358" in _by_feature(dry)[1]["message"]
    assert run(path, plan.municipality, commit=True)["committed"]
    stored = Parcel.objects.get(number="102").geom
    assert shapely.from_wkb(bytes(stored.wkb)).equals_exact(shapely.MultiPolygon([to_lonlat(square(1))]), 1e-7)


@pytest.mark.django_db
def test_a_geometrys_unknown_crs_is_that_features_error(tmp_path, plan):
    other = _poly(_ring(1)) | {"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}}
    report = run(_geojson(tmp_path, plan, [_poly(_ring(0)), other]), plan.municipality)  # was: silently 4326
    assert report["issue_counts"] == {"unknown_crs": 1}
    assert "2154" in _by_feature(report)[1]["message"]


@pytest.mark.django_db(transaction=True)
def test_an_api_job_with_string_coordinates_ends_ready_with_a_report(tmp_path, plan, settings):
    from imports.jobs import job_create, run_job

    bad = _poly([[str(x), str(y)] for x, y in _ring(1)])
    path = _geojson(tmp_path, plan, [_poly(_ring(0)), bad])
    with open(path, "rb") as fh:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("strings.geojson", fh.read())
    job = job_create(municipality=plan.municipality, actor=None, upload=upload, options={})
    job = run_job(job.pk)
    assert job.status == "ready", (job.error_code, job.error)
    assert job.report["issue_counts"] == {"invalid_geojson": 1}


@pytest.mark.django_db
def test_an_unreadable_file_is_named_without_the_servers_path(tmp_path, plan):
    path = tmp_path / "garbage.geojson"
    path.write_bytes(b"not json at all {")
    with pytest.raises(ImportRefused) as err:
        run(path, plan.municipality)
    assert err.value.code == "unreadable"
    assert "garbage.geojson" in err.value.messages[0] and str(tmp_path) not in err.value.messages[0]
