"""Incoming topology by tiles: every neighbouring pair judged exactly once, whatever the tiling."""

import pytest

from imports import topology
from tests.imports.helpers import frame, run, square, to_lonlat, write


def _grid_with_faults():
    """A 10 x 6 grid of 30 m parcels sharing edges (pitch 30), with faults spread over it."""
    geoms = [square(i, pitch=30.0) for i in range(60)]
    geoms[12] = square(12, pitch=30.0, shift=2.0)  # overlaps 13 by 2 m x 30 m
    geoms[33] = square(33, pitch=30.0).buffer(-0.2, join_style="mitre")  # 0.2-0.28 m from its 8 neighbours
    geoms[58] = square(58, pitch=30.0, size=30.0001)  # a sliver with 59 (0.003 m²)
    return [to_lonlat(g) for g in geoms]


def _issues(report):
    return sorted((i["feature"], i["code"], i.get("location") and tuple(i["location"])) for i in report["issues"])


@pytest.mark.django_db
@pytest.mark.parametrize("per_tile", [1, 4, 7, 25])
def test_tiny_tiles_find_the_same_pairs_once(tmp_path, plan, monkeypatch, per_tile):
    path = write(frame(plan.number, geoms=_grid_with_faults()), tmp_path / "grid.gpkg")
    whole = run(path, plan.municipality)
    monkeypatch.setattr(topology, "TILE_FEATURES", per_tile)
    tiled = run(path, plan.municipality)
    assert _issues(tiled) == _issues(whole)
    counts = whole["issue_counts"]
    assert counts["overlap_incoming"] == 2  # 12 and 13, each told of the other
    assert counts["gap"] == 8  # slivers too: 58 with 59, and float noise where 12's shifted edges meet 2, 3, 22
    assert counts["sliver"] >= 1
    features = {(i["feature"], i["code"]) for i in whole["issues"]}
    assert {(12, "overlap_incoming"), (13, "overlap_incoming"), (58, "sliver")} <= features
    # A gap is reported on the lower index of its pair: 22, 23, 24 and 32 below / left of 33; 33 itself
    # for 34, 42, 43, 44.
    assert sorted(f for f, c in _issues_codes(whole) if c == "gap") == [22, 23, 24, 32, 33, 33, 33, 33]


def _issues_codes(report):
    return [(i["feature"], i["code"]) for i in report["issues"]]
