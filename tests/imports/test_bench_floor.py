"""bench-import's live-table write floor writes every scratch row into the live parcels table, pays the
deferred foreign-key checks, and leaves nothing behind — also when the write fails."""

import pytest
from django.db import IntegrityError, connection

from bench import import_bench
from parcels.models import Parcel
from tests.imports.helpers import square, to_lonlat
from tests.shapes import bowtie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scratch():
    with connection.cursor() as cur:
        cur.execute(f"CREATE TABLE {import_bench.SCRATCH} (plan_number text, parcel_number text, land_use text, "
                    "status text, deed_number text, geom geometry(MultiPolygon, 4326))")
    try:
        yield import_bench.SCRATCH
    finally:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE {import_bench.SCRATCH}")


def _rows(table: str, plan_number: str, wkts: list[str]) -> None:
    with connection.cursor() as cur:
        for i, wkt in enumerate(wkts):
            cur.execute(f"INSERT INTO {table} VALUES (%s, %s, 'residential', NULL, NULL, "
                        "ST_Multi(ST_GeomFromText(%s, 4326)))", [plan_number, str(101 + i), wkt])


def test_floor_writes_every_row_then_leaves_nothing(scratch, plan):
    _rows(scratch, plan.number, [to_lonlat(square(i)).wkt for i in range(20)])
    insert_s, fk_s = import_bench.live_write_floor(plan.municipality, 20)
    assert insert_s > 0 and fk_s > 0
    assert not Parcel.objects.exists()


def test_floor_refused_by_the_table_leaves_nothing_and_the_connection_usable(scratch, plan):
    # The register's CHECK refuses an invalid geometry: the floor pays the same rules as any write.
    _rows(scratch, plan.number, [to_lonlat(square(0)).wkt, bowtie().wkt])
    with pytest.raises(IntegrityError, match="parcels_parcel_geom_valid"):
        import_bench.live_write_floor(plan.municipality, 2)
    assert not Parcel.objects.exists()


def test_floor_refuses_to_measure_fewer_rows_than_the_file(scratch, plan):
    # A row whose plan the scratch municipality lacks is not joined: the floor must not time a smaller write.
    _rows(scratch, plan.number, [to_lonlat(square(0)).wkt])
    _rows(scratch, "no-such-plan", [to_lonlat(square(1)).wkt])
    with pytest.raises(AssertionError):
        import_bench.live_write_floor(plan.municipality, 2)
    assert not Parcel.objects.exists()
