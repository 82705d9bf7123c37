"""Vector tiles decoded and compared with what PostGIS holds."""

import json

import mapbox_vector_tile
import pytest
from django.db import connection
from shapely.geometry import shape

from geo.layers import all_layers
from parcels.models import Parcel
from tiles.grid import lonlat_to_3857, tiles_touching

MVT = "application/vnd.mapbox-vector-tile"


def tile_of(lon, lat, z):
    return next(iter(tiles_touching((lon, lat, lon, lat), z, buffer=0)))


def decode(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == MVT
    return mapbox_vector_tile.decode(response.content, default_options={"y_coord_down": True})


def ids_in_tile(table, tile, where="TRUE"):
    with connection.cursor() as c:
        c.execute(
            f"SELECT id FROM {table} WHERE {where} AND ST_Intersects(ST_Transform(geom, 3857),"
            " ST_TileEnvelope(%s, %s, %s, margin => 64.0/4096))",
            [tile.z, tile.x, tile.y],
        )
        return {r[0] for r in c.fetchall()}


def test_parcel_tile_matches_postgis(client, city):
    parcel = Parcel.objects.filter(valid_to__isnull=True).order_by("pk")[700]
    c = parcel.geom.point_on_surface
    t = tile_of(c.x, c.y, 17)
    layers = decode(client.get(f"/tiles/parcels/{t.z}/{t.x}/{t.y}.mvt"))
    assert list(layers) == ["parcels"]
    features = {f["id"]: f for f in layers["parcels"]["features"]}
    assert set(features) == ids_in_tile("parcels_parcel", t, "valid_to IS NULL")
    got = features[parcel.pk]
    props = got["properties"]
    assert props["number"] == parcel.number
    assert props["land_use"] == parcel.land_use
    assert props["plan_id"] == parcel.plan_id
    assert props["area_m2"] == pytest.approx(parcel.area_m2)
    assert set(props) == {"number", "plan_id", "land_use", "status", "area_m2"}  # no deed numbers in public tiles
    # Geometry: the decoded centroid, back in metres, lies where PostGIS says (within one tile unit).
    x0, _y0, x1, y1 = t.bounds_3857()
    unit = (x1 - x0) / 4096
    decoded = shape(got["geometry"])
    cx, cy = x0 + decoded.centroid.x * unit, y1 - decoded.centroid.y * unit
    gx, gy = lonlat_to_3857(parcel.geom.centroid.x, parcel.geom.centroid.y)
    assert abs(cx - gx) < 2 * unit and abs(cy - gy) < 2 * unit
    assert decoded.area * unit * unit == pytest.approx(parcel.geom.transform(3857, clone=True).area, rel=0.02)


def test_retired_parcels_are_not_drawn(client, city):
    parcel = Parcel.objects.filter(valid_to__isnull=True).order_by("pk")[10]
    c = parcel.geom.point_on_surface
    t = tile_of(c.x, c.y, 16)
    Parcel.objects.filter(pk=parcel.pk).update(valid_to="2030-01-01T00:00:00Z")
    layers = decode(client.get(f"/tiles/parcels/{t.z}/{t.x}/{t.y}.mvt"))
    assert parcel.pk not in {f["id"] for f in layers["parcels"]["features"]}


def test_filter_on_an_allow_listed_field(client, city):
    t = tile_of(*city.boundary.centroid.coords, 15)
    layers = decode(client.get(f"/tiles/parcels/{t.z}/{t.x}/{t.y}.mvt?land_use=park,mosque"))
    uses = {f["properties"]["land_use"] for f in layers["parcels"]["features"]}
    assert uses and uses <= {"park", "mosque"}
    expected = ids_in_tile("parcels_parcel", t, "valid_to IS NULL AND land_use IN ('park', 'mosque')")
    assert {f["id"] for f in layers["parcels"]["features"]} == expected


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("deed_number=1", "Cannot filter layer parcels on 'deed_number'"),
        ("foo=bar", "Cannot filter layer parcels on 'foo'"),
        ("land_use=villa", "is not one of"),
        ("number=1'%20OR%20'1'='1", "characters a filter value may not contain"),
        ("number=1;DROP%20TABLE%20parcels_parcel", "characters a filter value may not contain"),
        ("land_use=", "has no value"),
    ],
)
def test_bad_filters_are_refused_with_a_reason(client, city, query, reason):
    response = client.get(f"/tiles/parcels/15/10/10.mvt?{query}")
    assert response.status_code == 400
    assert reason in response.json()["detail"]
    assert Parcel.objects.count() > 0


@pytest.mark.parametrize(
    ("path", "status", "reason"),
    [
        ("/tiles/parcels/23/0/0.mvt", 400, "Zoom 23"),
        ("/tiles/parcels/2/4/0.mvt", 400, "x=4"),
        ("/tiles/parcels/2/0/9.mvt", 400, "y=9"),
        ("/tiles/parcels/z/0/0.mvt", 400, "z must be"),
        ("/tiles/nowhere/2/0/0.mvt", 404, "Unknown layer 'nowhere'"),
        ("/tiles/nowhere/tilejson.json", 404, "Unknown layer"),
        ("/tiles/base/15/1/1.mvt?land_use=park", 400, "base map takes no filters"),
    ],
)
def test_bad_addresses_are_refused_with_a_reason(client, db, path, status, reason):
    response = client.get(path)
    assert response.status_code == status
    assert reason in response.json()["detail"]


def test_layer_outside_its_zoom_range_is_empty(client, city):
    t = tile_of(*city.boundary.centroid.coords, 12)
    response = client.get(f"/tiles/parcels/{t.z}/{t.x}/{t.y}.mvt")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Tile-Cache"] == "EMPTY"


def test_base_map_tile_holds_several_layers_by_zoom(client, city):
    lon, lat = city.boundary.centroid.coords
    z12 = tile_of(lon, lat, 12)
    z16 = tile_of(lon, lat, 16)
    low = decode(client.get(f"/tiles/base/{z12.z}/{z12.x}/{z12.y}.mvt"))
    high = decode(client.get(f"/tiles/base/{z16.z}/{z16.x}/{z16.y}.mvt"))
    assert {"districts", "streets"} <= set(low) and "parcels" not in low and "blocks" not in low
    assert {"parcels", "blocks", "streets", "plans"} <= set(high)


def test_etag_and_revalidation(client, city):
    t = tile_of(*city.boundary.centroid.coords, 15)
    first = client.get(f"/tiles/parcels/{t.z}/{t.x}/{t.y}.mvt")
    assert first["ETag"] and "must-revalidate" in first["Cache-Control"]
    again = client.get(f"/tiles/parcels/{t.z}/{t.x}/{t.y}.mvt", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]


def test_index_lists_every_registered_layer(client, db):
    body = client.get("/tiles/").json()
    assert [lyr["name"] for lyr in body["layers"]] == [lyr.name for lyr in all_layers()]
    parcels = next(lyr for lyr in body["layers"] if lyr["name"] == "parcels")
    assert parcels["minzoom"] == 15 and parcels["title_ar"] == "قطع الأراضي"
    assert parcels["tiles"].endswith("/tiles/parcels/{z}/{x}/{y}.mvt")
    assert body["rasters"]["ortho"].endswith("/tiles/ortho/{z}/{x}/{y}.png")


def test_tilejson_validates_against_the_3_0_0_schema(client, city, shared_data):
    import jsonschema

    schema = json.loads((shared_data / "schemas" / "tilejson-3.0.0.schema.json").read_text())
    for name in [lyr.name for lyr in all_layers()] + ["base"]:
        doc = client.get(f"/tiles/{name}/tilejson.json").json()
        jsonschema.validate(doc, schema)
        assert doc["tiles"][0].endswith(f"/tiles/{name}/{{z}}/{{x}}/{{y}}.mvt")
    parcels = client.get("/tiles/parcels/tilejson.json").json()
    assert parcels["minzoom"] == 15
    assert parcels["vector_layers"][0]["fields"]["area_m2"] == "Number"
    west, south, east, north = parcels["bounds"]
    assert west < city.boundary.centroid.x < east and south < city.boundary.centroid.y < north


@pytest.mark.django_db
def test_deed_numbers_never_reach_public_tiles(client, plan):
    """Tiles are public; a deed number identifies an owner's title deed."""
    from tests.factories import ParcelFactory
    from tests.shapes import rect

    parcel = ParcelFactory(plan=plan, deed_number="310000000777", geom=rect(0, 0, 20, 30))
    c = parcel.geom.centroid
    tile = tile_of(c.x, c.y, 16)
    layers = decode(client.get(f"/tiles/parcels/{tile.z}/{tile.x}/{tile.y}.mvt"))
    (feature,) = layers["parcels"]["features"]
    assert feature["properties"]["number"] == parcel.number
    assert "deed_number" not in feature["properties"]
    assert "310000000777" not in json.dumps(layers)
    assert "deed_number" not in client.get("/tiles/parcels/tilejson.json").content.decode()


def test_tile_statements_are_prepared_once_per_connection(city, settings):
    """Tile SQL differs between tiles only in z/x/y: PostgreSQL parses it once per connection and, after a few
    executions, may keep one generic plan (2x faster on the densest tiles of the 1M city). Django turns
    psycopg's prepared statements off unless its OPTIONS set prepare_threshold."""
    from django.db.models import Q

    from geo.layers import get_layer
    from tiles.grid import Tile
    from tiles.sql import render

    parcel = Parcel.objects.filter(valid_to__isnull=True).order_by("pk")[10]
    c = parcel.geom.point_on_surface
    layers = [(get_layer("parcels"), Q())]
    t = tile_of(c.x, c.y, 17)
    for dx in (0, 1, 2):
        render(layers, Tile(t.z, t.x + dx, t.y))
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["%ST_AsMVT%"])
        executions = [row[0] for row in cursor.fetchall()]
    assert executions == [3]  # one statement for three tiles, executed three times
