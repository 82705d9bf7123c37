import pytest
import shapely
from pyproj import Transformer

from imports.errors import ImportRefused
from parcels.models import Parcel
from tests.imports import dxfwriter as dxf
from tests.imports.helpers import frame, run, square, to_lonlat, write


def _max_distance_m(a_ll, b_ll) -> float:
    """Largest vertex distance between two lon/lat polygons, in metres (UTM 38N)."""
    tr = Transformer.from_crs(4326, 9358, always_xy=True)
    ca = shapely.get_coordinates(a_ll)
    cb = shapely.get_coordinates(b_ll)
    xa, ya = tr.transform(ca[:, 0], ca[:, 1])
    xb, yb = tr.transform(cb[:, 0], cb[:, 1])
    return max(((xa - xb) ** 2 + (ya - yb) ** 2) ** 0.5)


@pytest.mark.django_db
@pytest.mark.parametrize("srid", [20438, 9358, 32638, 4326])
def test_each_crs_family_from_a_declared_crs(tmp_path, plan, srid):
    path = write(frame(plan.number, 3, srid=srid), tmp_path / "p.gpkg")
    report = run(path, plan.municipality, commit=True)
    assert report["crs"] == {**report["crs"], "srid": srid, "source": "declared"}
    truth = to_lonlat(square(0))
    got = shapely.from_wkt(Parcel.objects.get(number="101").geom.wkt)
    assert _max_distance_m(shapely.normalize(got.geoms[0]), shapely.normalize(truth)) < 0.01


@pytest.mark.django_db
def test_dxf_in_ain_el_abd_without_crs_lands_within_a_metre_after_confirmation(tmp_path, plan):
    tr = Transformer.from_crs(4326, 20438, always_xy=True)
    truth = [to_lonlat(square(i)) for i in range(3)]
    ents = []
    for i, poly in enumerate(truth):
        xs, ys = tr.transform(*zip(*poly.exterior.coords[:-1], strict=True))
        ents += dxf.polyline(list(zip(xs, ys, strict=True)))
        cx, cy = tr.transform(poly.centroid.x, poly.centroid.y)
        ents += dxf.text(cx, cy, str(101 + i))
    path = dxf.write(tmp_path / "survey.dxf", ents)
    with pytest.raises(ImportRefused) as err:
        run(path, plan.municipality, defaults={"plan_number": plan.number, "land_use": "residential"})
    assert err.value.code == "crs_confirmation_required"
    cands = [c["srid"] for c in err.value.details["candidates"]]
    assert 20438 in cands and 9358 in cands and 32638 in cands and 4326 not in cands
    report = run(path, plan.municipality, srid=20438, commit=True,
                 defaults={"plan_number": plan.number, "land_use": "residential"})
    assert report["committed"], report["issues"]
    for i, poly in enumerate(truth):
        got = shapely.from_wkt(Parcel.objects.get(number=str(101 + i)).geom.wkt).geoms[0]
        assert _max_distance_m(shapely.normalize(got), shapely.normalize(poly)) < 1.0
    # Read as KSA-GRF17 instead, the same drawing lands far more than a metre away: the choice matters.
    xs, ys = Transformer.from_crs(20438, 4326, always_xy=True).transform(500000, 2860000)
    xg, yg = Transformer.from_crs(9358, 4326, always_xy=True).transform(500000, 2860000)
    assert _max_distance_m(shapely.Point(xs, ys), shapely.Point(xg, yg)) > 50


@pytest.mark.django_db
def test_utm_coordinates_declared_as_4326_are_refused_until_confirmed(tmp_path, plan):
    utm = frame(plan.number, 3, srid=20438)
    path = write(utm.set_crs(4326, allow_override=True), tmp_path / "lying.geojson")
    with pytest.raises(ImportRefused) as err:
        run(path, plan.municipality)
    assert err.value.code == "utm_declared_as_geographic"
    assert 20438 in [c["srid"] for c in err.value.details["candidates"]]
    report = run(path, plan.municipality, srid=20438)
    assert report["errors"] == 0 and report["crs"]["source"] == "confirmed"


@pytest.mark.django_db
def test_lat_lon_swapped_detected_and_fixed_on_confirmation(tmp_path, plan):
    geoms = [shapely.transform(to_lonlat(square(i)), lambda c: c[:, ::-1]) for i in range(3)]
    path = write(frame(plan.number, geoms=geoms), tmp_path / "swapped.geojson")
    with pytest.raises(ImportRefused) as err:
        run(path, plan.municipality)
    assert err.value.code == "axes_swapped"
    report = run(path, plan.municipality, swap_axes=True, commit=True)
    assert report["committed"] and report["crs"]["swap_axes"] is True
    assert Parcel.objects.get(number="101").geom.centroid.x == pytest.approx(43.499, abs=0.01)


@pytest.mark.django_db
def test_confirmed_crs_that_does_not_fit_is_refused(tmp_path, plan):
    path = write(frame(plan.number, 2, srid=20438).set_crs(None, allow_override=True), tmp_path / "p.gpkg")
    with pytest.raises(ImportRefused) as err:
        run(path, plan.municipality, srid=4326)
    assert err.value.code == "crs_mismatch"
    with pytest.raises(ImportRefused) as err:
        run(path, plan.municipality, srid=2039)
    assert err.value.code == "unknown_crs"
