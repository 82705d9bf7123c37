"""Real reference data (../shared/data): the report names the broken features it really contains."""

import pyogrio
import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

from tests.factories import MunicipalityFactory, PlanFactory
from tests.imports.helpers import run


def _municipality_around(df):
    area = GEOSGeometry(shapely.box(*df.total_bounds).buffer(0.01).wkt, srid=4326)
    muni = MunicipalityFactory(boundary=MultiPolygon(area, srid=4326))
    PlanFactory(municipality=muni, number="R1", geom=MultiPolygon(area, srid=4326))
    return muni


def _dry_run(shared_data, tmp_path, name, where, number_field, **opts):
    df = pyogrio.read_dataframe(shared_data / name, where=where)
    path = tmp_path / name
    pyogrio.write_dataframe(df, path)
    muni = _municipality_around(df)
    return run(path, muni, fields={"number": number_field},
               defaults={"plan_number": "R1", "land_use": "residential"}, **opts)


@pytest.mark.django_db
def test_ar_rass_districts(shared_data, tmp_path):
    report = _dry_run(shared_data, tmp_path, "sa_districts.geojson", "city = 'الرس'", "district")
    assert report["features"] == 22 and report["diff"]["new"] == 22
    assert "invalid" not in report["issue_counts"] and "null_geometry" not in report["issue_counts"]
    # Neighbouring district outlines overlap in this coarse data; each overlap is located.
    overlaps = [i for i in report["issues"] if i["code"] == "overlap_incoming"]
    assert overlaps and all("location" in i for i in overlaps)


@pytest.mark.django_db
def test_all_saudi_districts_report_the_two_self_intersections(shared_data, tmp_path):
    report = _dry_run(shared_data, tmp_path, "sa_districts.geojson", None, "district")
    assert report["features"] == 2092 and report["issue_counts"]["invalid"] == 2
    invalid = [i for i in report["issues"] if i["code"] == "invalid"]
    assert {i["number"] for i in invalid} == {"عريض", "ارامكو السعودية"}
    assert all("Self-intersection" in i["message"] and len(i["location"]) == 2 for i in invalid)
    repaired = _dry_run(shared_data, tmp_path, "sa_districts.geojson", None, "district", repair=True)
    assert repaired["repaired"] == 2 and "invalid" not in repaired["issue_counts"]


@pytest.mark.django_db
def test_williamsburg_parcels_report_the_null_geometry(shared_data, tmp_path):
    report = _dry_run(shared_data, tmp_path, "williamsburg_parcels.geojson", None, "PID")
    assert report["features"] == 4464 and report["issue_counts"]["null_geometry"] == 1
    null = next(i for i in report["issues"] if i["code"] == "null_geometry")
    assert null["number"] == "438-22-00-A"
    invalid = [i for i in report["issues"] if i["code"] == "invalid"]
    assert len(invalid) == report["issue_counts"]["invalid"] == 3 and all("location" in i for i in invalid)
    assert report["crs"]["srid"] == 4326 and report["committed"] is False
