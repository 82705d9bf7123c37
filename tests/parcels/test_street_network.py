"""The routable street network built from the streets (parcels.services.network; docs/decisions/027)."""

import pytest
from django.contrib.gis.geos import MultiLineString, Point
from django.db import connection

from audit.models import ChangeRecord
from common.errors import RegisterError
from parcels.models import Street, StreetEdge, StreetNode
from parcels.models.network import SPEED_KMH
from parcels.selectors import nearest_node
from parcels.services.network import street_network_build
from tests.factories import MunicipalityFactory
from tests.shapes import line, lonlat


def street(muni, *points, kind="local", name=""):
    return Street.objects.create(municipality=muni, kind=kind, width_m=20, name_en=name,
                                 geom=MultiLineString(line(*points), srid=4326))


@pytest.fixture
def town(db):
    """An arterial west-east, a second arterial crossing it (no shared vertex), and two local streets ending ON
    the first arterial (T-junctions drawn in metres, stored in lon/lat: their ends are a hair off its line)."""
    muni = MunicipalityFactory()
    streets = {
        "main": street(muni, (0, 0), (400, 0), kind="arterial", name="main"),
        "cross": street(muni, (250, -150), (250, 150), kind="arterial", name="cross"),
        "west": street(muni, (100, 0), (100, 200), name="west"),
        "east": street(muni, (330, 0), (330, -120), name="east"),
    }
    return muni, streets


def test_snapping_joins_the_t_junctions_into_one_network(town):
    muni, streets = town
    summary = street_network_build(municipality=muni)
    assert summary.components == 1 and summary.dead_ends == 6  # the streets' six free ends
    # main is cut at west (100), cross (250) and east (330): four edges; cross in two; west and east one each.
    assert summary.edges == 8 and summary.nodes == 9
    assert StreetEdge.objects.filter(municipality=muni, street=streets["main"]).count() == 4
    assert StreetEdge.objects.filter(municipality=muni, street=streets["cross"]).count() == 2
    # The crossing arterials share a node: two of main's edges and both of cross's meet there.
    crossing = nearest_node(municipality=muni, point=lonlat(250, 0))
    meeting = StreetEdge.objects.filter(municipality=muni).filter(source_id=crossing) | StreetEdge.objects.filter(
        municipality=muni, target_id=crossing)
    assert meeting.count() == 4


def test_without_snapping_the_t_junctions_stay_apart(town):
    muni, _ = town
    raw = street_network_build(municipality=muni, snap_m=0)
    # Crossings are noded anyway; an end a hair off the line is not (which of the two T-junctions happens to
    # fall exactly on the arterial's line depends on the digits).
    assert raw.components >= 2 and raw.dead_ends >= 7
    built = street_network_build(municipality=muni)
    assert (built.components, built.dead_ends) == (1, 6)


def test_edges_carry_length_and_travel_time_by_kind(town):
    muni, streets = town
    street_network_build(municipality=muni)
    for edge in StreetEdge.objects.filter(municipality=muni).select_related("street"):
        metres = edge.geom.transform(9358, clone=True).length
        assert edge.length_m == pytest.approx(metres, abs=0.05)
        assert edge.cost_s == pytest.approx(edge.length_m / (SPEED_KMH[edge.street.kind] / 3.6))
    west = StreetEdge.objects.get(municipality=muni, street=streets["west"])
    assert west.length_m == pytest.approx(200, abs=0.1) and west.cost_s == pytest.approx(24, abs=0.1)  # 30 km/h


def test_rebuild_replaces_the_network_and_is_audited(town):
    muni, streets = town
    first = street_network_build(municipality=muni)
    streets["east"].delete()
    second = street_network_build(municipality=muni)
    assert second.edges == first.edges - 2  # east's edge and main's cut at it
    assert StreetNode.objects.filter(municipality=muni).count() == second.nodes
    notes = ChangeRecord.objects.filter(municipality=muni, entity="accounts.municipality").order_by(
        "pk").values_list("changes", flat=True)
    assert [n["street_network"]["edges"] for n in notes] == [first.edges, second.edges]


def test_other_municipalities_are_left_alone(town):
    muni, _ = town
    other = MunicipalityFactory()
    street(other, (0, 0), (100, 0))
    street_network_build(municipality=other)
    street_network_build(municipality=muni)
    assert StreetEdge.objects.filter(municipality=other).count() == 1


def test_nearest_node_and_the_empty_network(town):
    muni, _ = town
    with pytest.raises(RegisterError) as err:
        nearest_node(municipality=muni, point=lonlat(0, 0))
    assert "build_street_network" in str(err.value)
    street_network_build(municipality=muni)
    node = StreetNode.objects.get(pk=nearest_node(municipality=muni, point=lonlat(98, 30)))
    junction = Point(*lonlat(100, 0), srid=4326).transform(9358, clone=True)
    assert node.geom.transform(9358, clone=True).distance(junction) < 0.05
    far = StreetNode.objects.get(pk=nearest_node(municipality=muni, point=Point(*lonlat(400, -200), srid=4326)))
    assert far.geom.transform(9358, clone=True).distance(Point(*lonlat(330, -120), srid=4326).transform(
        9358, clone=True)) < 0.05


def test_the_demo_city_is_one_network_with_no_missed_junction(db):
    from fixtures.generator import build_city
    from fixtures.loader import load_city

    city = build_city(seed=3, parcels=400)
    muni = load_city(city)  # the loader builds the network
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM parcels_streetedge WHERE municipality_id = %s", [muni.pk])
        assert cur.fetchone()[0] > 0
    built = street_network_build(municipality=muni)
    assert built.components == 1 and built.dead_ends == 0
    # The generator gives the junctions shared vertices: the raw noding, without snapping, is as good.
    raw = street_network_build(municipality=muni, snap_m=0)
    assert (raw.components, raw.dead_ends, raw.edges) == (1, 0, built.edges)


def test_the_generator_puts_a_vertex_on_every_street_where_another_ends():
    from fixtures.generator import build_city

    streets = build_city(seed=3, parcels=400).streets()
    vertices = {c for s in streets for part in s["geom"].geoms for c in part.coords}
    ends = [c for s in streets if s["kind"] == "local" for part in s["geom"].geoms
            for c in (part.coords[0], part.coords[-1])]
    arterial = {c for s in streets if s["kind"] == "arterial" for part in s["geom"].geoms for c in part.coords}
    assert ends and all(c in vertices for c in ends)
    assert sum(c in arterial for c in ends) >= len(ends) // 2  # the locals' ends are on the arterials, exactly


def test_the_command_rebuilds_the_network(town):
    from io import StringIO

    from django.core.management import call_command

    muni, _ = town
    out = StringIO()
    call_command("build_street_network", "--municipality", muni.code, stdout=out)
    assert "8 edges, 1 connected component(s)" in out.getvalue()
    assert StreetEdge.objects.filter(municipality=muni).count() == 8
