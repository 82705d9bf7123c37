"""The check against answers worked out by hand (local metres around Al-Rass in KSA-GRF17 / UTM 38N; rules
as in tests/permits/conftest.RULES_V1 unless a test changes them): rectangular and irregular parcels, corner
parcels with two fronts, a front on a wide street, footprints exactly on the setback line, coverage just over and
just under, parking, overlays, and bad input refused with what and where. Pure: no database."""

import pytest
from pyproj import Transformer
from shapely.geometry import shape

from permits.check import CheckInputError, describe_site, run_check
from permits.check.batch import buildable_areas
from permits.check.contract import reproject
from tests.shapes import lonlat

RULES = {"source": {"rule_set": 1, "code": "R1", "version": 1}, "coverage_ground_pct": 75,
         "coverage_upper_pct": 75, "coverage_annex_pct": 70, "max_floors": 2, "max_height_m": 12, "far": 1.5,
         "front_setback_m": 2, "front_setback_street_fraction": 0.2, "front_setback_max_m": 6, "side_setback_m": 2,
         "rear_setback_m": 2, "corner_secondary_front": "front", "min_frontage_m": 12,
         "parking_plot_threshold_m2": 400, "parking_small_plot": 1, "parking_large_plot": 2, "parking_per_unit": 1,
         "parking_per_100m2": 0, "allowed_uses": ["residential"]}


def poly(*points) -> dict:
    ring = [list(lonlat(x, y)) for x, y in points]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def box(x0, y0, x1, y1) -> dict:
    return poly((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def street(sid, width, *points, name=None) -> dict:
    return {"id": sid, "name": name or f"street {sid}", "width_m": width,
            "geometry": {"type": "LineString", "coordinates": [list(lonlat(x, y)) for x, y in points]}}


def site(parcel, streets, rules=None, overlays=()) -> dict:
    return {"metric_srid": 9358, "parcel": {"id": 1, "number": "7", "geometry": parcel}, "streets": streets,
            "overlays": list(overlays), "rules": {**RULES, **(rules or {})}}


def building(ground, *, uppers=1, annex=None, **attrs) -> dict:
    floors = [{"kind": "ground", "level": 0, "footprint": ground}]
    floors += [{"kind": "upper", "level": i + 1, "footprint": ground} for i in range(uppers)]
    if annex:
        floors.append({"kind": "annex", "level": uppers + 1, "footprint": annex})
    return {"use": "residential", "units": 1, "parking_spaces": 2, "height_m": 9.5, **attrs, "floors": floors}


def by_rule(result) -> dict:
    return {r["rule"]: r for r in result["results"]}


# A 20 x 30 m plot; a 20 m street's centreline 10 m south of it: front = max(2, 20/5) = 4 m, side and rear 2 m.
PLOT = box(0, 0, 20, 30)
SOUTH = street(1, 20, (-50, -10), (70, -10), name="شارع الملك فهد")


def test_a_rectangle_has_one_front_two_sides_a_rear_and_its_envelope():
    out = describe_site(site(PLOT, [SOUTH]))
    kinds = sorted((e["kind"], e["setback_m"], e["length_m"]) for e in out["edges"])
    assert kinds == [("front", 4.0, 20.0), ("rear", 2.0, 20.0), ("side", 2.0, 30.0), ("side", 2.0, 30.0)]
    assert out["frontage_m"] == 20.0 and out["corner"] is False
    assert out["envelope_area_m2"] == pytest.approx(16 * 24, abs=0.05)  # x 2..18, y 4..28


def test_a_footprint_exactly_on_the_setback_lines_passes_and_five_centimetres_over_fails():
    on_line = run_check({**site(PLOT, [SOUTH]), "proposal": building(box(2, 4, 18, 28))})
    assert by_rule(on_line)["setback_front"]["passed"] and by_rule(on_line)["setback_side"]["passed"]
    over = run_check({**site(PLOT, [SOUTH]), "proposal": building(box(2, 3.95, 18, 28))})
    front = by_rule(over)["setback_front"]
    assert front["passed"] is False and front["measured"] == pytest.approx(3.95, abs=0.005)
    assert front["limit"] == 4.0
    assert shape(front["violation"]).area > 0  # in degrees: drawn in red; its size in metres below
    to_m = Transformer.from_crs(4326, 9358, always_xy=True).transform
    assert reproject(to_m, shape(front["violation"])).area == pytest.approx(16 * 0.05, abs=0.01)
    assert "شارع الملك فهد" in front["explain_ar"] and "3.95" in front["explain_en"]


def test_coverage_just_under_and_just_over_the_limit():
    # 75 % of 600 m² = 450 m². Inside the envelope (16 x 24 = 384) coverage cannot reach it: open the setbacks.
    rules = {"front_setback_m": 0, "front_setback_street_fraction": 0, "side_setback_m": 0, "rear_setback_m": 0}
    under = run_check({**site(PLOT, [SOUTH], rules), "proposal": building(box(0, 0, 20, 22.45), uppers=0)})
    over = run_check({**site(PLOT, [SOUTH], rules), "proposal": building(box(0, 0, 20, 22.55), uppers=0)})
    assert by_rule(under)["coverage_ground"]["passed"] and by_rule(under)["coverage_ground"]["measured"] == 74.83
    assert not by_rule(over)["coverage_ground"]["passed"] and by_rule(over)["coverage_ground"]["measured"] == 75.17


def test_floor_area_ratio_floors_height_use_and_parking():
    three = run_check({**site(PLOT, [SOUTH]), "proposal": building(box(2, 4, 18, 28), uppers=2, height_m=12.5,
                                                                   use="commercial", parking_spaces=1)})
    r = by_rule(three)
    assert r["far"]["measured"] == pytest.approx(3 * 384 / 600, abs=0.01) and not r["far"]["passed"]
    assert (r["floors"]["measured"], r["floors"]["passed"]) == (3, False)
    assert (r["height"]["limit"], r["height"]["passed"]) == (12.0, False)
    assert not r["use"]["passed"]
    assert (r["parking"]["limit"], r["parking"]["passed"]) == (2, False)  # 600 m² > 400 m²: two spaces
    small = box(0, 0, 15, 25)  # 375 m² ≤ 400: one space; four flats: one each
    flats = run_check({**site(small, [SOUTH]), "proposal": building(box(2, 4, 13, 23), units=4, parking_spaces=3)})
    assert by_rule(flats)["parking"]["limit"] == 4 and not by_rule(flats)["parking"]["passed"]
    house = run_check({**site(small, [SOUTH]), "proposal": building(box(2, 4, 13, 23), parking_spaces=1)})
    assert by_rule(house)["parking"]["limit"] == 1 and by_rule(house)["parking"]["passed"]


def test_a_front_on_a_wide_street_takes_a_deeper_setback_up_to_its_cap():
    boulevard = street(2, 25, (-50, -12.5), (70, -12.5))  # 25 m: 25/5 = 5 m
    assert min(e["setback_m"] for e in describe_site(site(PLOT, [boulevard]))["edges"] if e["kind"] == "front") == 5
    arterial = street(3, 60, (-50, -30), (70, -30))  # 60/5 = 12 m, capped at 6 m
    out = describe_site(site(PLOT, [arterial]))
    assert [e["setback_m"] for e in out["edges"] if e["kind"] == "front"] == [6.0]
    assert out["envelope_area_m2"] == pytest.approx(16 * 22, abs=0.05)


def test_a_corner_parcel_has_two_fronts_and_the_rule_for_the_second():
    east = street(4, 15, (27.5, -50), (27.5, 80))  # 15 m: its centreline 7.5 m east of the plot
    out = describe_site(site(PLOT, [SOUTH, east]))
    fronts = sorted((e["length_m"], e["setback_m"]) for e in out["edges"] if e["kind"] == "front")
    # The main front is the longer edge (east, 30 m: 15/5 = 3 m), the south one a second front (4 m).
    assert out["corner"] is True and fronts == [(20.0, 4.0), (30.0, 3.0)]
    assert out["frontage_m"] == 30.0
    # With the second front taking the side setback: the south edge 2 m.
    side_rule = describe_site(site(PLOT, [SOUTH, east], {"corner_secondary_front": "side"}))
    assert sorted(e["setback_m"] for e in side_rule["edges"] if e["kind"] == "front") == [2.0, 3.0]
    # Envelope (front on the east 3 m, second front south 4 m, west side 2 m; the rear is the edge opposite the
    # main front: west. Of the north edge, a side: 2 m): x 2..17, y 4..28.
    assert out["envelope_area_m2"] == pytest.approx(15 * 24, abs=0.05)


def test_an_irregular_parcel_merges_collinear_segments_and_slants_its_rear():
    # A trapezoid: south front 20 m (split in two collinear segments), north edge 10 m, a slanted east edge.
    trapezoid = poly((0, 0), (10, 0), (20, 0), (10, 30), (0, 30))
    out = describe_site(site(trapezoid, [SOUTH]))
    kinds = sorted(e["kind"] for e in out["edges"])
    assert kinds == ["front", "rear", "side", "side"]
    front = next(e for e in out["edges"] if e["kind"] == "front")
    assert front["length_m"] == 20.0
    # Parcel 450 m²; envelope by hand: the trapezoid shrunk 4 m from the south, 2 m from the others.
    assert out["parcel"]["area_m2"] == pytest.approx(450, abs=0.01)
    assert 200 < out["envelope_area_m2"] < 300


def test_a_prohibited_overlay_with_its_extra_setback_is_a_violation_where_it_reaches():
    channel = {"id": 9, "kind": "flood_channel", "name_ar": "مجرى سيل", "name_en": "Flood channel", "prohibited": True,
               "extra_setback_m": 5, "geometry": box(-10, 30, 40, 40)}  # north of the plot, touching it
    result = run_check({**site(PLOT, [SOUTH], overlays=[channel]), "proposal": building(box(2, 4, 18, 28))})
    rule = by_rule(result)["overlay:9"]
    assert rule["passed"] is False and rule["measured"] == pytest.approx(16 * 3, abs=0.05)  # y 25..28 within 5 m
    fine = run_check({**site(PLOT, [SOUTH], overlays=[channel]), "proposal": building(box(2, 4, 18, 25))})
    assert by_rule(fine)["overlay:9"]["passed"]
    assert describe_site(site(PLOT, [SOUTH], overlays=[channel]))["envelope_area_m2"] == pytest.approx(16 * 21,
                                                                                                       abs=0.05)


def test_a_parcel_with_no_street_has_no_frontage():
    result = run_check({**site(PLOT, []), "proposal": building(box(2, 4, 18, 28))})
    assert by_rule(result)["frontage"]["passed"] is False and result["frontage_m"] == 0


@pytest.mark.parametrize(("proposal_floor", "code", "where"), [
    (poly((0, 0), (10, 10), (10, 0), (0, 10)), "invalid_geometry", "proposal.floors[0].footprint"),
    (box(5000, 5000, 5010, 5010), "wrong_crs", "proposal.floors[0].footprint"),
    (box(40, 0, 50, 10), "outside_parcel", "proposal.floors[0].footprint"),
    ({"type": "Polygon", "coordinates": [[[500000, 2860000], [500010, 2860000], [500010, 2860010],
                                          [500000, 2860000]]]}, "wrong_crs", "proposal.floors[0].footprint"),
])
def test_bad_footprints_are_refused_with_what_and_where(proposal_floor, code, where):
    with pytest.raises(CheckInputError) as refused:
        run_check({**site(PLOT, [SOUTH]), "proposal": building(proposal_floor)})
    assert (refused.value.code, refused.value.where) == (code, where)
    if code == "invalid_geometry":
        assert "Self-intersection" in str(refused.value)


def test_no_floors_and_contradictory_rules_are_refused():
    with pytest.raises(CheckInputError) as none:
        run_check({**site(PLOT, [SOUTH]), "proposal": {"use": "residential", "height_m": 6, "floors": []}})
    assert none.value.where == "proposal.floors"
    with pytest.raises(CheckInputError) as contradictory:
        describe_site(site(PLOT, [SOUTH], {"max_floors": 4, "max_height_m": 8}))
    assert contradictory.value.code == "contradictory_rules" and "4 floors" in str(contradictory.value)
    with pytest.raises(CheckInputError):
        describe_site(site(PLOT, [SOUTH], {"front_setback_m": 7, "front_setback_max_m": 6}))


def test_the_batch_areas_are_the_checks_envelopes():
    parcels = {1: PLOT, 2: box(0, 40, 25, 70), 3: poly((0, 80), (10, 80), (20, 80), (10, 110), (0, 110))}
    streets = [SOUTH, street(5, 20, (-50, 35), (70, 35)), street(6, 20, (-50, 75), (70, 75))]
    single = {pid: describe_site(site(p, streets))["envelope_area_m2"] for pid, p in parcels.items()}
    batch = buildable_areas(parcels=[(pid, shape(p)) for pid, p in parcels.items()],
                            streets=[(s["id"], shape(s["geometry"]), s["width_m"]) for s in streets],
                            overlays=[], rules=RULES, metric_srid=9358)
    assert batch == pytest.approx(single, abs=0.05)
