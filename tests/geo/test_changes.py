"""geo.changes: receivers hear about committed edits, with the old and new extents."""

import json

import pytest

from geo import changes
from parcels.models import Parcel
from tests.shapes import rect


@pytest.fixture
def heard(monkeypatch):
    got = []
    monkeypatch.setattr(changes, "_RECEIVERS", [got.append])
    return got


def test_receivers_run_on_commit_with_both_extents(db, heard, django_capture_on_commit_callbacks):
    old, new = rect(0, 0, 30, 30), rect(100, 0, 130, 30)
    with django_capture_on_commit_callbacks(execute=True):
        changes.geometry_changed(model=Parcel, old=old, new=new)
        assert heard == []  # not before commit
    (change,) = heard
    assert change.model is Parcel
    assert change.bboxes == (old.extent, new.extent)


def test_geojson_and_reprojected_geometries_are_accepted(db, heard, django_capture_on_commit_callbacks):
    geom = rect(0, 0, 30, 30)
    utm = geom.transform(9358, clone=True)
    with django_capture_on_commit_callbacks(execute=True):
        changes.geometry_changed(model=Parcel, old=json.loads(geom.geojson), new=utm)
    (change,) = heard
    assert len(change.bboxes) == 2
    assert change.bboxes[0] == pytest.approx(geom.extent)
    assert change.bboxes[1] == pytest.approx(geom.extent, abs=1e-7)


def test_a_failing_receiver_does_not_stop_the_others(db, monkeypatch, django_capture_on_commit_callbacks):
    got = []

    def broken(change):
        raise RuntimeError("boom")

    monkeypatch.setattr(changes, "_RECEIVERS", [broken, got.append])
    with django_capture_on_commit_callbacks(execute=True):
        changes.geometry_changed(model=Parcel, new=rect(0, 0, 1, 1))
    assert len(got) == 1
