"""Creating and editing records through services: checks, versions and history."""

import pytest

from audit.models import ChangeRecord
from audit.selectors import history_for
from geo.validation import GeometryError
from parcels.models import District, Parcel
from parcels.services import ConflictError, RegisterError, TopologyError, parcel_create, parcel_update, record_save
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory
from tests.shapes import bowtie, rect, utm_area

pytestmark = pytest.mark.django_db


def _create(plan, editor, number="1", geom=None, **kw):
    return parcel_create(municipality=plan.municipality, plan=plan, number=number, land_use="residential",
                         geom=geom or rect(0, 0, 20, 30), actor=editor, **kw)


def test_create_records_history(plan, editor):
    p = _create(plan, editor)
    rec = history_for(instance=p).get()
    assert rec.action == ChangeRecord.Action.CREATE and rec.actor == editor
    assert rec.changes["number"] == [None, "1"]
    assert rec.changes["geom"][1]["type"] == "MultiPolygon"


def test_create_refuses_overlap_naming_the_neighbour(plan, editor):
    _create(plan, editor, number="10")
    with pytest.raises(TopologyError, match="10"):
        _create(plan, editor, number="11", geom=rect(10, 0, 30, 30))
    # Sharing an edge is fine.
    assert _create(plan, editor, number="12", geom=rect(20, 0, 40, 30)).pk


def test_create_refuses_bad_geometry_before_the_database(plan, editor):
    with pytest.raises(GeometryError, match="Self-intersection"):
        _create(plan, editor, geom=bowtie())
    with pytest.raises(GeometryError) as exc:
        _create(plan, editor, geom=rect(4990, 0, 5100, 30))  # sticks out of the 10 km municipality
    assert exc.value.code == "outside"
    assert not Parcel.objects.exists()


def test_create_refuses_duplicate_number_and_foreign_plan(plan, editor):
    _create(plan, editor, number="5")
    with pytest.raises(RegisterError, match="already has"):
        _create(plan, editor, number="5", geom=rect(100, 0, 120, 30))
    foreign = PlanFactory(municipality=MunicipalityFactory())
    with pytest.raises(RegisterError, match="another municipality"):
        parcel_create(municipality=plan.municipality, plan=foreign, number="1", land_use="residential",
                      geom=rect(200, 0, 220, 30), actor=editor)


def test_update_bumps_version_records_diff_and_checks_concurrency(plan, editor):
    p = _create(plan, editor)
    updated = parcel_update(parcel=p, actor=editor, expected_version=1, status="built", deed_number="310000000001")
    assert updated.version == 2
    rec = history_for(instance=p).first()
    assert rec.action == ChangeRecord.Action.UPDATE
    assert rec.changes == {"status": ["vacant", "built"], "deed_number": ["", "310000000001"]}
    # A second editor still holding version 1 is refused, and nothing of theirs is written.
    with pytest.raises(ConflictError):
        parcel_update(parcel=p, actor=editor, expected_version=1, status="vacant")
    assert Parcel.objects.get(pk=p.pk).status == "built"


def test_update_geometry_is_topology_checked(plan, editor):
    a = _create(plan, editor, number="1")
    _create(plan, editor, number="2", geom=rect(20, 0, 40, 30))
    with pytest.raises(TopologyError):
        parcel_update(parcel=a, actor=editor, geom=rect(0, 0, 25, 30))
    moved = parcel_update(parcel=a, actor=editor, geom=rect(0, 0, 20, 35))
    moved.refresh_from_db()
    assert moved.version == 2
    assert moved.area_m2 == pytest.approx(utm_area(rect(0, 0, 20, 35)), rel=0.005)


def test_update_refuses_unknown_fields_and_retired(plan, editor):
    p = ParcelFactory(plan=plan)
    with pytest.raises(RegisterError, match="cannot be edited"):
        parcel_update(parcel=p, actor=editor, plan=plan)
    from django.utils import timezone

    Parcel.objects.filter(pk=p.pk).update(valid_to=timezone.now())
    with pytest.raises(RegisterError, match="retired"):
        parcel_update(parcel=p, actor=editor, status="built")


def test_record_save_for_other_registers(muni, editor):
    d = record_save(instance=District(municipality=muni, code="X1", name_ar="حي", geom=rect(0, 0, 500, 500)),
                    actor=editor)
    assert history_for(instance=d).get().action == ChangeRecord.Action.CREATE
    d.name_en = "Test district"
    record_save(instance=d, actor=editor, expected_version=1)
    d.refresh_from_db()
    assert d.version == 2
    assert history_for(instance=d).first().changes["name_en"] == ["", "Test district"]
    d.geom = rect(0, 0, 6000, 500)
    with pytest.raises(GeometryError):
        record_save(instance=d, actor=editor)
    with pytest.raises(TypeError):
        record_save(instance=ParcelFactory(), actor=editor)


def test_update_accepts_a_polygon_for_a_multipolygon_parcel(plan, editor):
    p = _create(plan, editor)
    polygon = rect(0, 0, 20, 40)[0]
    polygon.srid = 4326
    updated = parcel_update(parcel=p, actor=editor, geom=polygon)
    assert updated.geom.geom_type == "MultiPolygon"


def test_record_save_reports_duplicates_as_messages(muni, editor):
    from django.core.exceptions import ValidationError

    from parcels.models import SubdivisionPlan

    record_save(instance=SubdivisionPlan(municipality=muni, number="77", geom=rect(0, 0, 100, 100)), actor=editor)
    with pytest.raises(ValidationError) as exc:
        record_save(instance=SubdivisionPlan(municipality=muni, number="77", geom=rect(200, 0, 300, 100)),
                    actor=editor)
    assert exc.value.messages == ["Subdivision plan with this Municipality and Plan number already exists."]
    assert SubdivisionPlan.objects.filter(number="77").count() == 1
