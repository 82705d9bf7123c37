"""Items statements from per-shape templates equal the ORM-compiled ones; the streamed page is the document the
single statement builds; numberMatched only when exact."""

import json

import pytest
from django.contrib.gis.geos import Polygon

from geo.layers import get_layer
from ogc import sql as ogc_sql
from tests.factories import ParcelFactory, PlanFactory


def compiled(layer, *, municipality_id, filters, box, srid, lat_first, limit, offset):
    qs = ogc_sql.items_queryset(layer, municipality_id=municipality_id, filters=filters, box=box)
    return ogc_sql.feature_rows_sql(qs, layer, srid=srid, lat_first=lat_first, page=(limit, offset))


def box_around(geom, pad=0.01):
    x0, y0, x1, y1 = geom.extent
    box = Polygon.from_bbox((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    box.srid = 4326
    return box


@pytest.mark.parametrize(("layer_name", "filters", "with_box", "srid", "lat_first"), [
    ("parcels", {}, True, 4326, False),
    ("parcels", {"land_use": "residential", "status": "vacant"}, True, 4326, True),
    ("parcels", {"number": "12"}, False, 9358, False),
    ("plans", {"status": "approved"}, True, 3857, False),
    ("districts", {}, False, 4326, False),
    ("municipalities", {}, True, 4326, False),
])
def test_template_equals_the_orm(db, muni, layer_name, filters, with_box, srid, lat_first):
    layer = get_layer(layer_name)
    ogc_sql._templates.clear()
    box = box_around(muni.boundary) if with_box else None
    kwargs = dict(municipality_id=muni.pk, filters=filters, box=box, srid=srid, lat_first=lat_first, limit=7,
                  offset=3)
    for _ in range(2):  # compiled on first use, from the template after
        sql, params = ogc_sql.items_sql(layer, **kwargs)
        assert ogc_sql._templates[next(iter(ogc_sql._templates))] is not None
        want_sql, want_params = compiled(layer, **kwargs)
        assert sql == want_sql
        assert [str(p) if hasattr(p, "ewkb") else p for p in params] == [
            str(p) if hasattr(p, "ewkb") else p for p in want_params]
    # A different tenant, box and filter values reuse the shape's template with their own values.
    other = dict(kwargs, municipality_id=muni.pk + 1000, offset=0, limit=2,
                 filters={k: v + "x" for k, v in filters.items()})
    assert ogc_sql.items_sql(layer, **other)[0] == compiled(layer, **other)[0]
    assert [p for p in ogc_sql.items_sql(layer, **other)[1] if not hasattr(p, "ewkb")] == [
        p for p in compiled(layer, **other)[1] if not hasattr(p, "ewkb")]


def page(muni, *, limit, offset, box=None, links=(), last_links=()):
    layer = get_layer("parcels")
    sql, params = ogc_sql.items_sql(layer, municipality_id=muni.pk, filters={}, box=box, srid=4326,
                                    lat_first=False, limit=limit, offset=offset)
    body = ogc_sql.page_body(sql, params, limit=limit, offset=offset, links=list(links), last_links=list(last_links))
    return json.loads(b"".join(body))


def test_number_matched_only_when_it_is_exact(db, muni):
    plan = PlanFactory(municipality=muni)
    for _ in range(5):
        ParcelFactory(plan=plan)
    full = page(muni, limit=2, offset=0)
    assert full["numberReturned"] == 2 and "numberMatched" not in full  # more may follow: not counted
    last = page(muni, limit=2, offset=4)
    assert last["numberReturned"] == 1 and last["numberMatched"] == 5
    everything = page(muni, limit=10, offset=0)
    assert everything["numberMatched"] == everything["numberReturned"] == 5
    beyond = page(muni, limit=2, offset=50)
    assert beyond["numberReturned"] == 0 and "numberMatched" not in beyond  # past the end: unknown
    nowhere = Polygon.from_bbox((10, 10, 10.1, 10.1))
    nowhere.srid = 4326
    empty = page(muni, limit=2, offset=0, box=nowhere)
    assert empty["numberMatched"] == 0 and empty["features"] == []


def test_a_page_cut_short_by_a_failure_is_never_valid_json(db):
    """A failure after the first features (the response is already going out) can only cut the document short."""
    from django.db import DataError

    sql = ("""SELECT CASE WHEN i >= 150 THEN (1 / (i - 150))::text ELSE '{"type": "Feature", "id": ' || i || '}' END"""
           " FROM generate_series(1, 300) i")
    pieces = []
    with pytest.raises(DataError):
        for piece in ogc_sql.page_body(sql, [], limit=300, offset=0, links=[], last_links=[]):
            pieces.append(piece)
    sent = b"".join(pieces)
    assert sent.count(b'"Feature"') == 100  # the first batch went out
    with pytest.raises(json.JSONDecodeError):
        json.loads(sent)


def test_a_body_closed_early_cancels_the_rest_of_the_page(transactional_db):
    """The server closes the body when the client goes away: the statement stops, the connection is free."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY SEQUENCE made")
    sql = ("""SELECT '{"type": "Feature", "id": ' || nextval('made') || '}' FROM generate_series(1, 100000) i"""
           " WHERE i <= 200 OR pg_sleep(0.001) IS NOT NULL")  # after 200 rows, a millisecond each
    body = ogc_sql.page_body(sql, [], limit=100000, offset=0, links=[], last_links=[])
    assert next(body).count(b'"Feature"') == 100
    body.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM made")
        assert 100 <= cursor.fetchone()[0] < 100000
