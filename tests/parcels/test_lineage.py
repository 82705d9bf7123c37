"""Split and merge: old parcels retired with lineage, results checked for topology."""

import pytest
from django.core.exceptions import ValidationError

from audit.models import ChangeRecord
from audit.selectors import history_for
from parcels.models import Parcel
from parcels.services import ConflictError, RegisterError, TopologyError, parcel_merge, parcel_split
from tests.factories import ParcelFactory, PlanFactory
from tests.shapes import line, rect, utm_area

pytestmark = pytest.mark.django_db


@pytest.fixture
def row(plan):
    """Three 20 x 30 m parcels side by side (sharing edges), and a fourth 100 m away."""
    return [
        ParcelFactory(plan=plan, number=str(i + 1), geom=rect(20 * i, 0, 20 * i + 20, 30)) for i in range(3)
    ] + [ParcelFactory(plan=plan, number="4", geom=rect(200, 0, 220, 30))]


def _reload(p):
    return Parcel.objects.get(pk=p.pk)


def test_split_by_line_retires_parent_and_links_children(row, editor):
    parent = row[0]
    children = parcel_split(parcel=parent, actor=editor, line=line((-5, 12), (25, 12)))
    assert [c.number for c in children] == ["1/1", "1/2"]
    parent = _reload(parent)
    assert parent.valid_to is not None and not parent.is_current
    for c in children:
        c = _reload(c)
        assert c.is_current and list(c.parents.all()) == [parent]
        assert c.plan_id == parent.plan_id and c.land_use == parent.land_use
    areas = sorted(_reload(c).area_m2 for c in children)
    assert sum(areas) == pytest.approx(parent.area_m2, rel=1e-6)
    assert areas[0] == pytest.approx(parent.area_m2 * 12 / 30, rel=1e-3)
    # Children tile the parent: their union is the parent's shape.
    union = children[0].geom.union(children[1].geom)
    assert union.sym_difference(parent.geom).area < 1e-12
    # History: parent split, children created, all by the editor.
    assert history_for(instance=parent).first().action == ChangeRecord.Action.SPLIT
    assert history_for(instance=children[0]).first().actor == editor


def test_split_into_equal_parts(row, editor):
    children = parcel_split(parcel=row[1], actor=editor, parts=3)
    areas = [_reload(c).area_m2 for c in children]
    assert len(areas) == 3
    for a in areas:
        assert a == pytest.approx(sum(areas) / 3, rel=0.005)
    # The long axis is north-south (30 m): cuts run east-west, so each part spans the full 20 m width.
    for c in children:
        xmin, _, xmax, _ = c.geom.transform(9358, clone=True).extent
        assert xmax - xmin == pytest.approx(20, abs=0.01)


def test_split_refusals(row, editor):
    with pytest.raises(TopologyError, match="edge to edge"):
        parcel_split(parcel=row[0], actor=editor, line=line((5, 5), (10, 10)))  # inside, crosses nothing
    with pytest.raises(TopologyError, match="minimum"):
        parcel_split(parcel=row[0], actor=editor, line=line((-5, 0.2), (25, 0.2)))  # a 4 m² sliver
    with pytest.raises(RegisterError):
        parcel_split(parcel=row[0], actor=editor, parts=1)
    with pytest.raises(RegisterError):
        parcel_split(parcel=row[0], actor=editor)
    # Nothing changed: the parcel is still current and has no children.
    assert _reload(row[0]).is_current and not row[0].children.exists()


def test_split_of_retired_parcel_refused(row, editor):
    parcel_split(parcel=row[0], actor=editor, parts=2)
    with pytest.raises(RegisterError, match="retired"):
        parcel_split(parcel=row[0], actor=editor, parts=2)


def test_stale_version_refused(row, editor):
    with pytest.raises(ConflictError):
        parcel_split(parcel=row[0], actor=editor, parts=2, expected_version=row[0].version + 1)


def test_merge_adjacent_parcels(row, editor):
    merged = parcel_merge(parcels=row[:2], actor=editor)
    merged = _reload(merged)
    assert merged.number == "1+2"
    assert sorted(p.number for p in merged.parents.all()) == ["1", "2"]
    assert merged.area_m2 == pytest.approx(utm_area(rect(0, 0, 40, 30)), rel=0.005)
    assert len(merged.geom) == 1 and merged.geom[0].num_interior_rings == 0
    assert not any(_reload(p).is_current for p in row[:2])
    assert Parcel.objects.filter(plan=row[0].plan, valid_to__isnull=True).count() == 3


def test_merge_refusals(row, plan, editor):
    with pytest.raises(TopologyError, match="not adjacent"):
        parcel_merge(parcels=[row[0], row[3]], actor=editor)
    other_plan = ParcelFactory(plan=PlanFactory(municipality=plan.municipality), geom=rect(40, 30, 60, 60))
    with pytest.raises(RegisterError, match="same plan"):
        parcel_merge(parcels=[row[2], other_plan], actor=editor)
    row[1].land_use = "commercial"
    row[1].save()
    with pytest.raises(RegisterError, match="land uses"):
        parcel_merge(parcels=row[:2], actor=editor)
    with pytest.raises(RegisterError):
        parcel_merge(parcels=[row[0]], actor=editor)
    assert all(_reload(p).is_current for p in row)


def test_merge_touching_only_at_a_corner_is_not_adjacent(plan, editor):
    a = ParcelFactory(plan=plan, geom=rect(0, 0, 20, 20))
    b = ParcelFactory(plan=plan, geom=rect(20, 20, 40, 40))
    with pytest.raises(TopologyError):
        parcel_merge(parcels=[a, b], actor=editor)


def test_results_overlapping_a_neighbour_are_refused(plan, editor):
    """Legacy data can overlap (it predates the rule); no operation may create a parcel that does."""
    a = ParcelFactory(plan=plan, number="A", geom=rect(0, 0, 20, 30))
    b = ParcelFactory(plan=plan, number="B", geom=rect(20, 0, 40, 30))
    # Imported long ago, overlapping B by 5 m x 30 m.
    legacy = ParcelFactory(plan=plan, number="L", geom=rect(35, 0, 60, 30))
    with pytest.raises(TopologyError) as exc:
        parcel_merge(parcels=[a, b], actor=editor)
    assert "L" in exc.value.messages[0] and "m²" in exc.value.messages[0]
    assert exc.value.conflicts[0]["overlap_m2"] == pytest.approx(utm_area(rect(35, 0, 40, 30)), rel=0.01)
    with pytest.raises(TopologyError):
        parcel_split(parcel=b, actor=editor, parts=2)
    assert _reload(a).is_current and _reload(b).is_current and _reload(legacy).is_current


def test_children_numbers_must_be_free(row, editor):
    with pytest.raises(ValidationError, match="already in use"):
        parcel_split(parcel=row[0], actor=editor, parts=2, numbers=["2", "9"])


def test_split_then_merge_restores_the_shape(row, editor):
    children = parcel_split(parcel=row[2], actor=editor, line=line((40, 10), (70, 20)))
    merged = parcel_merge(parcels=children, actor=editor, number="3")
    assert merged.geom.sym_difference(row[2].geom).area < 1e-12
    assert {p.pk for p in merged.parents.all()} == {c.pk for c in children}
    grand = [p.pk for c in merged.parents.all() for p in c.parents.all()]
    assert grand == [row[2].pk, row[2].pk]
