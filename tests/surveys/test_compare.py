"""The comparison of a survey with the register, against figures worked out by hand."""

import pytest
from shapely.geometry import Polygon

from surveys.compare import Tolerances, compare, max_corner_shift, to_srid
from tests.shapes import lonlat

SRID = 9358


def ll(points, dx=0.0, dy=0.0):
    return Polygon([lonlat(x + dx, y + dy) for x, y in points])


PLOT = [(0, 0), (30, 0), (30, 20), (0, 20)]


def test_the_same_outline_differs_by_nothing():
    c = compare(survey=ll(PLOT), register=ll(PLOT))
    assert c.register_area_m2 == pytest.approx(600, abs=0.05)
    assert c.area_diff_m2 == pytest.approx(0, abs=0.01) and c.max_corner_shift_m == pytest.approx(0, abs=0.002)
    assert c.within_tolerance


def test_a_half_metre_shift_is_a_half_metre_corner_shift_and_hausdorff():
    c = compare(survey=ll(PLOT, dx=0.5), register=ll(PLOT))
    assert c.max_corner_shift_m == pytest.approx(0.5, abs=0.005)
    assert c.hausdorff_m == pytest.approx(0.5, abs=0.005)
    assert c.area_diff_m2 == pytest.approx(0, abs=0.05)
    assert c.within_tolerance  # 0.5 m is the default limit, not beyond it


def test_a_larger_survey_gives_the_area_difference_in_m2_and_percent():
    bigger = [(0, 0), (31, 0), (31, 20), (0, 20)]  # 620 m² against 600 m²
    c = compare(survey=ll(bigger), register=ll(PLOT), tolerances=Tolerances(area_pct=2.0))
    assert c.area_diff_m2 == pytest.approx(20, abs=0.1) and c.area_diff_pct == pytest.approx(3.33, abs=0.02)
    assert c.max_corner_shift_m == pytest.approx(1.0, abs=0.005)
    assert set(c.exceeded) == {"area", "corner_shift", "hausdorff"}


def test_overlap_with_a_neighbour_is_measured_and_named():
    neighbour = (7, "A-2", ll([(30, 0), (60, 0), (60, 20), (30, 20)]))
    c = compare(survey=ll([(0, 0), (32, 0), (32, 20), (0, 20)]), register=ll(PLOT), neighbours=[neighbour])
    assert c.overlaps == [{"parcel": 7, "number": "A-2", "m2": pytest.approx(40, abs=0.1)}]
    assert "overlap" in c.exceeded


def test_corner_shift_counts_both_ways():
    a = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])
    b = Polygon([(0, 0), (10, 0), (10, 10), (1, 11), (0, 10)])  # an extra corner √2 m from the nearest
    assert max_corner_shift(a, b) == pytest.approx(2 ** 0.5, abs=1e-6)
    assert to_srid(a, 4326, 4326) is a
