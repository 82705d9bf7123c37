"""numberMatched of a whole layer (issue 15, item 9): counted once, kept in PostgreSQL for every server process,
and forgotten when the layer is edited (through the change bus), so a GIS client opening a layer learns its size
from the first page instead of paging through all of it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from parcels.services.lineage import parcel_split

pytestmark = pytest.mark.django_db(transaction=True)
ITEMS = "/collections/parcels/items"


def _count_statements(queries) -> int:
    return sum("count(*)" in q["sql"].lower() for q in queries)


def test_a_full_page_of_a_whole_layer_says_how_many_there_are(ogc, city):
    page = ogc.get(ITEMS + "?limit=2").json()
    assert page["numberReturned"] == 2
    assert page["numberMatched"] == len(city["parcels"])  # not the other municipality's parcel
    second = ogc.get(ITEMS + "?limit=2&offset=2").json()
    assert second["numberMatched"] == len(city["parcels"])
    # With a bbox or a filter a full page still does not count (that would scan the matches every page).
    x0, y0, x1, y1 = city["muni"].boundary.extent
    assert "numberMatched" not in ogc.get(ITEMS + f"?limit=2&bbox={x0},{y0},{x1},{y1}").json()


def test_the_count_is_kept_and_forgotten_when_the_layer_is_edited(ogc, city, editor):
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {city['token']}")
    with CaptureQueriesContext(connection) as first:
        assert b"".join(client.get("/ogc" + ITEMS + "?limit=1").streaming_content)
    with CaptureQueriesContext(connection) as again:
        body = b"".join(client.get("/ogc" + ITEMS + "?limit=1").streaming_content)
    assert _count_statements(first.captured_queries) == 1
    assert _count_statements(again.captured_queries) == 0, "counted again though nothing changed"
    assert f'"numberMatched": {len(city["parcels"])}'.encode() in body

    parcel_split(parcel=city["parcels"][0], actor=editor, parts=2)  # one parcel retired, two new ones
    assert ogc.get(ITEMS + "?limit=1").json()["numberMatched"] == len(city["parcels"]) + 1
