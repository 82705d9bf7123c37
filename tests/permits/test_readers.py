"""A building read from a drawing: a DXF with the agreed layers in UTM (KSA-GRF17 38N) or a GeoJSON in UTM or
lon/lat read the same; a DXF without the agreed layers is refused naming the layers it has; a plot boundary 3 m
off the registered parcel is refused with the shift measured; an unknown CRS is refused."""

import io
import json

import pytest
import shapely
from shapely.geometry import box, mapping

from imports.dxf_write import write_feature, write_footer, write_header
from permits.readers import ProposalRefused, read_proposal
from tests.shapes import _OX, _OY, lonlat


def utm(x0, y0, x1, y1):
    """A rectangle in local metres (tests.shapes' origin) as KSA-GRF17 / UTM 38N coordinates."""
    return box(_OX + x0, _OY + y0, _OX + x1, _OY + y1)


def dxf(layers: dict) -> bytes:
    out = io.StringIO()
    write_header(out)
    for layer, geom in layers.items():
        write_feature(out, geom, "", layer=layer, text_height=1)
    write_footer(out)
    return out.getvalue().encode()


def test_a_dxf_with_the_agreed_layers_gives_the_floors_and_the_plot_shift(plot):
    content = dxf({"PLOT_BOUNDARY": utm(0, 0, 20, 30), "BLDG_FOOTPRINT": utm(3, 5, 17, 27),
                   "FLOOR_1": utm(3, 5, 17, 27), "ROOF_ANNEX": utm(6, 10, 14, 20)})
    read = read_proposal(content=content, content_type="image/vnd.dxf", srid=9358, parcel=plot)
    assert [(f["kind"], f["level"]) for f in read.floors] == [("ground", 0), ("upper", 1), ("annex", 2)]
    assert read.plot_shift_m < 0.05
    ground = shapely.geometry.shape(read.floors[0]["footprint"])
    assert ground.centroid.x == pytest.approx(lonlat(10, 16)[0], abs=1e-6)


def test_geojson_in_utm_and_in_lon_lat_read_the_same(plot):
    def collection(transform, crs=None):
        ground = mapping(transform(3, 5, 17, 27))
        features = [{"type": "Feature", "properties": {"floor": "ground"}, "geometry": ground}]
        data = {"type": "FeatureCollection", "features": features}
        if crs:
            data["crs"] = {"type": "name", "properties": {"name": crs}}
        return json.dumps(data).encode()

    in_utm = read_proposal(content=collection(utm, "urn:ogc:def:crs:EPSG::9358"), content_type="application/geo+json",
                           srid=None, parcel=plot)

    def ll_box(x0, y0, x1, y1):
        return shapely.geometry.Polygon([lonlat(x0, y0), lonlat(x1, y0), lonlat(x1, y1), lonlat(x0, y1)])
    in_ll = read_proposal(content=collection(ll_box), content_type="application/geo+json", srid=None, parcel=plot)
    a, b = (shapely.geometry.shape(r.floors[0]["footprint"]) for r in (in_utm, in_ll))
    assert a.symmetric_difference(b).area < 1e-12


def test_a_dxf_without_the_agreed_layers_is_refused_naming_what_it_has(plot):
    content = dxf({"WALLS": utm(3, 5, 17, 27), "0": utm(0, 0, 20, 30)})
    with pytest.raises(ProposalRefused) as refused:
        read_proposal(content=content, content_type="image/vnd.dxf", srid=9358, parcel=plot)
    assert refused.value.code == "drawing_layers" and "BLDG_FOOTPRINT" in str(refused.value)
    assert "WALLS" in str(refused.value)


def test_a_plot_boundary_off_the_register_is_refused_with_the_shift(plot):
    content = dxf({"PLOT_BOUNDARY": utm(3, 0, 23, 30), "BLDG_FOOTPRINT": utm(6, 5, 20, 27)})
    with pytest.raises(ProposalRefused) as refused:
        read_proposal(content=content, content_type="image/vnd.dxf", srid=9358, parcel=plot)
    assert refused.value.code == "plot_shift" and "3.0" in str(refused.value)


def test_unreadable_files_and_unknown_crs_are_refused(plot):
    with pytest.raises(ProposalRefused) as garbage:
        read_proposal(content=b"not a drawing", content_type="image/vnd.dxf", srid=9358, parcel=plot)
    assert garbage.value.code == "drawing_unreadable"
    with pytest.raises(ProposalRefused) as unknown:
        read_proposal(content=dxf({"BLDG_FOOTPRINT": utm(3, 5, 17, 27)}), content_type="image/vnd.dxf", srid=2039,
                      parcel=plot)
    assert unknown.value.code == "drawing_crs"
