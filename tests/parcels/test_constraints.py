"""The database refuses what services would refuse: the last line of defence holds."""

import pytest
from django.contrib.gis.geos import GEOSGeometry, MultiLineString
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from parcels import models as m
from tests.factories import DistrictFactory, MunicipalityFactory, ParcelFactory, PlanFactory, RegulationFactory
from tests.shapes import bowtie, line, rect

pytestmark = pytest.mark.django_db

EMPTY_MULTIPOLYGON = GEOSGeometry("MULTIPOLYGON EMPTY", srid=4326)


def _refused(constraint: str, make):
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        make()
    assert constraint in str(exc.value)


@pytest.mark.parametrize(
    ("factory", "field", "prefix"),
    [
        (MunicipalityFactory, "boundary", "parcels_municipality_boundary"),
        (DistrictFactory, "geom", "parcels_district_geom"),
        (PlanFactory, "geom", "parcels_plan_geom"),
        (ParcelFactory, "geom", "parcels_parcel_geom"),
    ],
)
def test_polygon_registers_refuse_invalid_and_empty_geometry(factory, field, prefix):
    _refused(f"{prefix}_valid", lambda: factory(**{field: bowtie()}))
    _refused(f"{prefix}_not_empty", lambda: factory(**{field: EMPTY_MULTIPOLYGON}))


def test_block_and_zone_refuse_invalid_geometry(plan):
    _refused("parcels_block_geom_valid", lambda: m.Block.objects.create(
        municipality=plan.municipality, plan=plan, number="1", geom=bowtie()))
    reg = RegulationFactory(municipality=plan.municipality)
    _refused("parcels_zone_geom_valid", lambda: m.Zone.objects.create(
        municipality=plan.municipality, regulation=reg, geom=bowtie()))


def test_street_refuses_empty_line_and_zero_width(muni):
    good = MultiLineString(line((0, 0), (100, 0)), srid=4326)
    _refused("parcels_street_geom_not_empty", lambda: m.Street.objects.create(
        municipality=muni, width_m=20, geom=GEOSGeometry("MULTILINESTRING EMPTY", srid=4326)))
    _refused("parcels_street_width_positive", lambda: m.Street.objects.create(municipality=muni, width_m=0, geom=good))


def test_geometry_columns_are_typed(plan):
    """A point is not a parcel: the column type refuses it."""
    with pytest.raises((IntegrityError, TypeError, ValueError)), transaction.atomic():
        m.Parcel.objects.create(municipality=plan.municipality, plan=plan, number="9", land_use="residential",
                                geom=GEOSGeometry("POINT(43.5 25.87)", srid=4326))


def test_regulation_ranges(muni):
    _refused("parcels_regulation_coverage", lambda: RegulationFactory(municipality=muni, max_coverage_pct=120))
    _refused("parcels_regulation_floors", lambda: RegulationFactory(municipality=muni, max_floors=0))
    _refused("parcels_regulation_far", lambda: RegulationFactory(municipality=muni, far=0))
    _refused("parcels_regulation_setbacks", lambda: RegulationFactory(municipality=muni, rear_setback_m=-1))


def test_current_parcel_numbers_unique_within_plan_but_history_may_repeat(plan):
    first = ParcelFactory(plan=plan, number="7")
    _refused("parcels_parcel_number_unique_current", lambda: ParcelFactory(plan=plan, number="7"))
    # Retired parcels keep their number; a new current parcel may take it again.
    first.valid_to = timezone.now()
    first.save()
    assert ParcelFactory(plan=plan, number="7").is_current
    # Same number in another plan is a different parcel.
    assert ParcelFactory(plan=PlanFactory(municipality=plan.municipality), number="7")


def test_validity_period_cannot_end_before_it_starts(plan):
    p = ParcelFactory(plan=plan)
    p.valid_to = p.valid_from - timezone.timedelta(days=1)
    _refused("parcels_parcel_validity_period", p.save)


def test_municipality_metric_srid_must_be_a_utm_zone():
    _refused("parcels_municipality_metric_srid", lambda: MunicipalityFactory(metric_srid=4326))


def test_area_is_computed_by_the_database(plan):
    p = ParcelFactory(plan=plan, geom=rect(0, 0, 20, 30))
    p.refresh_from_db()
    assert p.area_m2 == pytest.approx(600, rel=0.005)


def _refused_at_commit(constraint: str, make):
    """Foreign keys are deferred to COMMIT; SET CONSTRAINTS ALL IMMEDIATE checks them now (the test's
    transaction never commits)."""
    with pytest.raises(IntegrityError) as exc, transaction.atomic(), connection.cursor() as cur:
        make()
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert constraint in str(exc.value)


PLAN_KEY = "parcels_parcel_plan_municipality_fk"


def test_a_parcel_lies_in_its_plans_municipality(plan):
    other = MunicipalityFactory()
    _refused_at_commit(PLAN_KEY, lambda: ParcelFactory(plan=plan, municipality=other))
    ParcelFactory(plan=plan, municipality=plan.municipality)
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the consistent parcel passes the same check


def test_a_parcel_needs_an_existing_plan_and_a_plan_with_parcels_stays(plan):
    parcel = ParcelFactory(plan=plan)

    def unknown_plan():
        with connection.cursor() as cur:
            cur.execute("UPDATE parcels_parcel SET plan_id = %s WHERE id = %s", [plan.pk + 10_000, parcel.pk])

    def delete_plan():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM parcels_subdivisionplan WHERE id = %s", [plan.pk])

    _refused_at_commit(PLAN_KEY, unknown_plan)
    _refused_at_commit(PLAN_KEY, delete_plan)
    assert m.SubdivisionPlan.objects.filter(pk=plan.pk).exists()
