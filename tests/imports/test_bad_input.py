"""Every bad input ends in a clear refusal or a report that says what and where; nothing half-written."""

import zipfile

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
