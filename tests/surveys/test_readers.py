"""Reading surveys: CSV, GeoJSON and DXF in the Saudi CRSs; every refusal says what and where."""

import json

import pytest

from surveys.readers import SurveyRefused, read_survey
from tests.shapes import lonlat
from tests.surveys.conftest import PLOT, UTM38, corners_utm


def csv_bytes(rows):
    return ("\n".join(rows) + "\n").encode()


def test_csv_with_a_header_in_utm():
    rows = ["point,E,N"] + [f"P{i},{x:.3f},{y:.3f}" for i, (x, y) in enumerate(corners_utm(PLOT))]
    outline = read_survey(csv_bytes(rows), content_type="text/csv", srid=UTM38)
    assert outline.srid == UTM38 and len(outline.corners) == 4
    assert outline.wgs84.exterior.coords[0] == pytest.approx(lonlat(0, 0), abs=1e-7)  # about a centimetre


def test_csv_without_header_semicolons_and_a_closing_corner():
    pts = corners_utm(PLOT)
    rows = [f"{i};{x:.3f};{y:.3f}" for i, (x, y) in enumerate([*pts, pts[0]])]
    assert len(read_survey(csv_bytes(rows), content_type="text/csv", srid=UTM38).corners) == 4


def test_csv_errors_name_the_line():
    with pytest.raises(SurveyRefused, match="Line 3"):
        read_survey(csv_bytes(["x,y", "1,2", "abc,3", "4,5"]), content_type="text/csv", srid=UTM38)
    with pytest.raises(SurveyRefused, match="at least three corners"):
        read_survey(csv_bytes(["x,y", "400000,2860000", "400010,2860000"]), content_type="text/csv", srid=UTM38)


def test_the_wrong_crs_is_refused_with_the_crs_that_fits():
    rows = ["lon,lat"] + [f"{x:.8f},{y:.8f}" for x, y in (lonlat(*p) for p in PLOT)]
    with pytest.raises(SurveyRefused) as refused:
        read_survey(csv_bytes(rows), content_type="text/csv", srid=UTM38)  # degrees read as metres
    assert "EPSG:9358" in str(refused.value) and "EPSG:4326" in str(refused.value)
    with pytest.raises(SurveyRefused, match="Say which CRS"):
        read_survey(csv_bytes(rows), content_type="text/csv", srid=None)


def test_geojson_in_wgs84_and_a_declared_crs_that_disagrees():
    ring = [list(lonlat(x, y)) for x, y in [*PLOT, PLOT[0]]]
    doc = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}, "properties": {}}
    outline = read_survey(json.dumps(doc).encode(), content_type="application/geo+json", srid=None)
    assert outline.srid == 4326
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32638"}}
    with pytest.raises(SurveyRefused, match="32638"):
        read_survey(json.dumps(doc).encode(), content_type="application/geo+json", srid=4326)


def test_an_invalid_outline_says_where():
    pts = corners_utm([(0, 0), (30, 20), (30, 0), (0, 20)])  # a bow tie
    rows = ["x,y"] + [f"{x:.3f},{y:.3f}" for x, y in pts]
    with pytest.raises(SurveyRefused, match="Self-intersection"):
        read_survey(csv_bytes(rows), content_type="text/csv", srid=UTM38)


def test_dxf_closed_polyline(tmp_path):
    pts = corners_utm(PLOT)
    vertices = "".join(f"10\n{x:.3f}\n20\n{y:.3f}\n" for x, y in pts)
    dxf = ("0\nSECTION\n2\nENTITIES\n0\nLWPOLYLINE\n8\nPLOT\n90\n4\n70\n1\n" + vertices + "0\nENDSEC\n0\nEOF\n")
    outline = read_survey(dxf.encode(), content_type="image/vnd.dxf", srid=UTM38)
    assert len(outline.corners) == 4
    with pytest.raises(SurveyRefused, match="closed polyline"):
        read_survey(b"0\nSECTION\n2\nENTITIES\n0\nENDSEC\n0\nEOF\n", content_type="image/vnd.dxf", srid=UTM38)
