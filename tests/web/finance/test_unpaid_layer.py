"""The map of unpaid bills and fines: the tenant layer ``unpaid_bills`` over real HTTP (vector tiles and OGC API
Features) gives each parcel with bills awaiting payment or expired unpaid, with their count, fines and amount;
the finance map page draws it."""

import json
from decimal import Decimal

import mapbox_vector_tile
import pytest
from django.db import connection

from payments.models import BillStatus, LineKind
from tests.cases.conftest import open_case, staff
from tests.factories import ParcelFactory, PlanFactory
from tests.payments.factories import make_bill
from tests.shapes import rect
from tests.web.conftest import page, signed_in
from tiles.grid import tiles_touching

ITEMS = "/ogc/collections/unpaid_bills/items"


@pytest.fixture(autouse=True)
def fresh_tiles(settings, tmp_path):
    settings.ARDH_TILE_CACHE_DIR = str(tmp_path / "tiles")


@pytest.fixture
def owed(town, layout, other_town, django_user_model, applicant):
    """n1: two active bills (one with a fine) and a paid one; s1: an expired one; n2: only paid and cancelled; s2:
    a draft. Another town's parcel in the same place owes too."""
    c = layout["cases"]
    make_bill(case=c["n1"], amount="1000.00", status=BillStatus.ACTIVE)
    make_bill(case=c["n1"], amount="250.50", status=BillStatus.ACTIVE, lines=[
        (LineKind.FEE, "150.50", "رسم", "Fee"), (LineKind.FINE, "100.00", "غرامة", "Fine")])
    make_bill(case=c["n1"], amount="999.00", status=BillStatus.PAID)
    make_bill(case=c["s1"], amount="80.00", status=BillStatus.EXPIRED)
    make_bill(case=c["n2"], amount="500.00", status=BillStatus.SETTLED)
    make_bill(case=c["n2"], amount="40.00", status=BillStatus.CANCELLED)
    make_bill(case=c["s2"], amount="70.00", status=BillStatus.DRAFT)
    colleague = staff(django_user_model, other_town, "reviewer2", ["permit_reviewer"])
    there = ParcelFactory(plan=PlanFactory(municipality=other_town), geom=rect(10, 510, 40, 540))
    make_bill(case=open_case(town=other_town, actor=colleague, applicant=applicant, parcels=[there], point=None),
              amount="12345.00", status=BillStatus.ACTIVE)
    return {"n1": layout["parcels"]["n1"], "s1": layout["parcels"]["s1"]}


def expected(owed):
    return {owed["n1"].pk: ("N-1", 2, 1, Decimal("1250.50")), owed["s1"].pk: ("S-1", 1, 0, Decimal("80.00"))}


def test_ogc_items_are_the_parcels_owing(client, finance, owed):
    response = signed_in(client, finance).get(ITEMS, {"limit": 100})
    assert response.status_code == 200
    features = json.loads(b"".join(response.streaming_content))["features"]
    got = {f["id"] if isinstance(f["id"], int) else int(f["id"]):
           (f["properties"]["number"], f["properties"]["bills"], f["properties"]["fines"],
            Decimal(str(f["properties"]["outstanding"])))
           for f in features}
    assert got == expected(owed)
    assert all(f["geometry"]["type"] == "MultiPolygon" for f in features)


def test_tiles_carry_the_parcels_and_amounts(client, finance, owed):
    z = 15
    centre = owed["n1"].geom.centroid
    t = next(iter(tiles_touching((centre.x, centre.y, centre.x, centre.y), z, buffer=0)))
    url = f"/tiles/unpaid_bills/{t.z}/{t.x}/{t.y}.mvt"
    assert client.get(url).status_code == 401  # a tenant layer: signed-in people of the municipality only
    response = signed_in(client, finance).get(url)
    assert response.status_code == 200
    layer = mapbox_vector_tile.decode(response.content)["unpaid_bills"]
    got = {f["id"]: (f["properties"]["number"], f["properties"]["bills"], f["properties"]["fines"],
                     Decimal(str(f["properties"]["outstanding"])).quantize(Decimal("0.01")))
           for f in layer["features"]}
    want = {pk: row for pk, row in expected(owed).items() if _in_tile(pk, t)}
    assert owed["n1"].pk in want and got == want  # not the other town's parcel in the same tile


def _in_tile(pk, t) -> bool:
    with connection.cursor() as c:
        c.execute("SELECT ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope(%s, %s, %s)) FROM parcels_parcel"
                  " WHERE id = %s", [t.z, t.x, t.y, pk])
        return c.fetchone()[0]


def test_finance_map_page(client, finance, owed):
    response = signed_in(client, finance).get("/finance/map/")
    html = page(response)
    assert response.status_code == 200
    config = json.loads(html.split('id="ardh-map-config" type="application/json">')[1].split("</script>")[0])
    assert config["finance"]["layer"] == "unpaid_bills" and config["finance"]["bounds"]
    assert "web/finance/unpaid_map.js" in html and 'id="legend"' in html
    table = html[html.index('id="unpaid-parcels"'):]
    assert table.index("N-1") < table.index("S-1") and "1,250.50" in table and "12,345.00" not in html
    assert "1,330.50" in html[html.index('id="unpaid-summary"'):][:800]


def test_a_payment_drops_the_cached_tiles_around_the_parcel(client, settings, finance, layout,
                                                            django_capture_on_commit_callbacks):
    from payments.layers import unpaid_changed

    settings.ARDH_TILE_CACHE_ENABLED = True
    bill = make_bill(case=layout["cases"]["n1"], amount="10.00", status=BillStatus.ACTIVE)
    centre = bill.parcel.geom.centroid
    t = next(iter(tiles_touching((centre.x, centre.y, centre.x, centre.y), 16, buffer=0)))
    url = f"/tiles/unpaid_bills/{t.z}/{t.x}/{t.y}.mvt"
    signed_in(client, finance)
    first = client.get(url)
    assert first["X-Tile-Cache"] == "MISS" and client.get(url)["X-Tile-Cache"] == "HIT"
    assert len(mapbox_vector_tile.decode(first.content)["unpaid_bills"]["features"]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        bill.status = BillStatus.PAID
        bill.save(update_fields=["status"])
        unpaid_changed(bill)
    after = client.get(url)
    assert after["X-Tile-Cache"] == "MISS" and "unpaid_bills" not in mapbox_vector_tile.decode(after.content)
