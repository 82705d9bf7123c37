"""The kingdom in miniature (issue 23 §4): twenty municipalities — three large, seventeen small — in one database,
and the hot paths asked of PostgreSQL's plans (EXPLAIN ANALYZE, ``runtime.locality``): a public tile, a staff
member's private tile, what is at a point, the inbox and the citizen's portal each read one municipality only.

The checker itself is shown to fail: a statement that forgets the municipality, or names another one, is caught.
Sizes here are small (the figures on realistic sizes come from ``make bench-kingdom``); the planner still has to
choose between an index and a scan, and the checker accepts a scan only when it is narrowed to the municipality.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from fixtures.kingdom import PLACES, kingdom_plan, load_kingdom
from geo.at_point import at_point_statement
from geo.layers import get_layer
from parcels.models import Parcel
from runtime.locality import scans, violations
from runtime.locality import statement_scans as explained
from tiles.grid import tiles_touching
from tiles.sql import tile_sql
from tiles.views import public_selection

pytestmark = pytest.mark.django_db

CASES = 12


def statement_scans(sql, params=()):
    """Planned as on a kingdom's tables (the tables here are small; see ``runtime.locality``)."""
    return explained(sql, params, as_at_scale=True)


@pytest.fixture(scope="module")
def kingdom(django_db_setup, django_db_blocker):
    """The twenty municipalities, loaded once for the module and rolled back after it (statistics taken again
    after, so later tests plan on the tables as they are)."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            made = load_kingdom(kingdom_plan(large=3, large_parcels=1500, small_parcels=150), cases=CASES)
            yield {m.municipality.code: m for m in made}
            transaction.set_rollback(True)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")


def _towns(kingdom):
    """A large one and a small one."""
    return [kingdom[PLACES[0].code], kingdom[PLACES[-1].code]]


def _inner_tile(muni, z=16):
    """A tile of zoom ``z`` lying wholly inside the municipality, over its parcels."""
    centre = Parcel.objects.filter(municipality=muni).order_by("pk").first().geom.point_on_surface
    tile = next(iter(tiles_touching((centre.x, centre.y, centre.x, centre.y), z, buffer=0)))
    return tile


def _assert_one_municipality(found, muni, what):
    assert found, f"{what}: no scan of a tenant table — the plan was not read"
    problems = violations(found, muni.pk)
    assert not problems, f"{what} reads beyond {muni.code}:\n" + "\n".join(problems)


def test_the_simulation_has_twenty_municipalities_of_two_sizes_apart(kingdom):
    from accounts.models import Municipality

    sims = Municipality.objects.filter(code__in=kingdom).order_by("pk")
    assert sims.count() == len(PLACES) == 20
    sizes = sorted(Parcel.objects.filter(municipality=m).count() for m in sims)
    assert sizes[-3:] == [1500] * 3 and sizes[:17] == [150] * 17
    # no two boundaries meet: a place belongs to one municipality
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM parcels_municipality a JOIN parcels_municipality b ON a.id < b.id "
                    "AND ST_Intersects(a.boundary, b.boundary) WHERE a.code = ANY(%s) AND b.code = ANY(%s)",
                    [list(kingdom), list(kingdom)])
        assert cur.fetchone()[0] == 0
    assert all(Case.objects.filter(municipality=m).count() == CASES for m in sims)


def test_a_public_tile_reads_the_parcels_of_its_municipality_only(kingdom):
    for sim in _towns(kingdom):
        muni = sim.municipality
        for layer in ("parcels", "base"):
            selection, _key = public_selection(layer, _inner_tile(muni))
            sql, params = tile_sql(selection, _inner_tile(muni))
            found = statement_scans(sql, params)
            _assert_one_municipality(found, muni, f"public tile {layer}")
            parcels = [s for s in found if s.table == "parcels_parcel"]
            assert any(s.rows_read > 0 for s in parcels) and {s.how for s in parcels} <= {"place", "outer row"}


def test_a_private_tile_is_narrowed_by_the_tenant_key(kingdom):
    layer = get_layer("parcels")
    for sim in _towns(kingdom):
        muni = sim.municipality
        where = Q(**{layer.tenant_field: muni.pk})
        sql, params = tile_sql([(layer, where, tuple(layer.fields))], _inner_tile(muni))
        found = statement_scans(sql, params)
        _assert_one_municipality(found, muni, "private tile")
        assert {s.how for s in found if s.table == "parcels_parcel"} <= {"tenant key"}


def test_what_is_at_a_point_reads_one_municipality(kingdom):
    for sim in _towns(kingdom):
        muni = sim.municipality
        point = Parcel.objects.filter(municipality=muni).order_by("-pk").first().geom.point_on_surface
        found = statement_scans(*at_point_statement(municipality=muni, lon=point.x, lat=point.y, srid=4326))
        _assert_one_municipality(found, muni, "at-point")
        assert any(s.table == "parcels_parcel" and s.rows_read >= 1 for s in found)


def _explain_captured(queries) -> list:
    found = []
    for q in queries:
        sql = q["sql"]
        if sql.lstrip().split(None, 1)[0].upper() in ("SELECT", "WITH"):
            found.extend(statement_scans(sql))
    return found


def test_the_inbox_reads_one_municipality(kingdom, client):
    for sim in _towns(kingdom):
        client.force_login(sim.staff)
        with CaptureQueriesContext(connection) as ctx:
            r = client.get("/api/v1/cases/?queue=mine")
        assert r.status_code == 200, r.content[:300]
        numbers = {c["number"] for c in r.json()["results"]}
        assert len(numbers) == min(CASES, 25) and all(n.startswith(sim.municipality.short_code) for n in numbers)
        found = _explain_captured(ctx.captured_queries)
        assert any(s.table == "cases_case" for s in found)
        _assert_one_municipality(found, sim.municipality, "inbox")


def test_the_portal_pages_of_a_citizen_read_one_municipality(kingdom, client):
    for sim in _towns(kingdom):
        client.force_login(sim.applicant.user)
        case = Case.objects.filter(municipality=sim.municipality).order_by("pk").first()
        for path in ("/portal/transactions/", f"/portal/transactions/{case.pk}/"):
            with CaptureQueriesContext(connection) as ctx:
                r = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
            assert r.status_code == 200, (path, r.content[:300])
            assert case.number in r.content.decode()
            found = _explain_captured(ctx.captured_queries)
            assert any(s.table == "cases_case" for s in found)
            _assert_one_municipality(found, sim.municipality, f"portal {path}")


def test_the_check_catches_a_statement_that_forgets_or_mistakes_the_municipality(kingdom):
    """Without this, a checker that passes everything would pass the tests above."""
    large, small = _towns(kingdom)
    forgot = statement_scans(*Case.objects.filter(status__isnull=False).values("pk").query.sql_with_params())
    assert any("every municipality" in v for v in violations(forgot, small.municipality.pk))
    other = statement_scans(*Case.objects.filter(municipality=large.municipality).values("pk")
                            .query.sql_with_params())
    assert any("names municipality" in v for v in violations(other, small.municipality.pk))
    # a base-map tile over the large city read as if it were the small one's: more plans than the small one has
    tile = _inner_tile(large.municipality, z=12)
    sql, params = tile_sql(public_selection("base", tile)[0], tile)
    assert any("rows, the municipality has" in v for v in violations(statement_scans(sql, params),
                                                                      small.municipality.pk))


def test_the_plan_reader_knows_an_outer_key_from_a_scan_of_everything():
    plan = {"Node Type": "Nested Loop", "Plans": [
        {"Node Type": "Index Scan", "Relation Name": "cases_case", "Index Cond": "(municipality_id = 7)",
         "Actual Rows": 3, "Actual Loops": 1},
        {"Node Type": "Index Scan", "Relation Name": "cases_caseparty", "Index Cond": "(case_id = c.id)",
         "Actual Rows": 1, "Actual Loops": 3},
        {"Node Type": "Seq Scan", "Relation Name": "cases_timelineentry", "Filter": "(kind = 'created')",
         "Actual Rows": 2, "Rows Removed by Filter": 98, "Actual Loops": 1},
    ]}
    found = scans(plan, tables=frozenset({"cases_case", "cases_caseparty", "cases_timelineentry"}))
    assert [(s.table, s.how, s.rows_read) for s in found] == [
        ("cases_case", "tenant key", 3), ("cases_caseparty", "outer row", 3),
        ("cases_timelineentry", "every municipality", 100)]
