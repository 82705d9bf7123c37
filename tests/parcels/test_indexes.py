"""The indexes an import no longer writes were not needed: every lookup they served has another one.

Parcels and history rows carry no single-column index on the municipality (the composite indexes lead with
it), and the block / actor indexes are partial (imported parcels have no block, imports no actor) — see
docs/decisions/008-import-pipeline.md. With sequential scans disabled, each lookup must still find an index
(a partial index is only usable when the query implies its predicate), and the deletes that rely on them
still behave.
"""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from audit.models import ChangeRecord
from audit.services import change_record
from parcels import models as m
from tests.factories import ParcelFactory

pytestmark = pytest.mark.django_db


def _plan(sql: str, params=()) -> str:
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        # Nor a nested loop: with the small tables of a test run, whether autovacuum has just vacuumed
        # the municipalities and plans decided whether the planner reached parcels through the plan index
        # (filtering the block) instead of the index under test, failing this test now and then.
        cur.execute("SET LOCAL enable_nestloop = off")
        cur.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cur.fetchall())


def _qs_plan(qs) -> str:
    # Without the models' default ordering: it joins the plans and municipalities to sort, and with tables
    # this small the planner then reached the parcels through the plan index as often as not (a merge join on
    # plan_id, the lookup as a filter), whatever index the lookup has. The lookups in question (Django's
    # PROTECT collector, the foreign-key checks) do not sort.
    sql, params = qs.order_by().query.sql_with_params()
    return _plan(sql, params)


@pytest.mark.parametrize(
    ("query", "index"),
    [
        # what Django's PROTECT collector asks when a block is deleted, and what the database's own
        # foreign-key check asks (`= $1`)
        (lambda: m.Parcel.objects.filter(block__in=[1, 2]), "parcels_parcel_block"),
        (lambda: m.Parcel.objects.filter(block=1), "parcels_parcel_block"),
        (lambda: m.Parcel.objects.filter(deed_number="1447/123"), "parcels_parcel_deed"),
        (lambda: m.Parcel.objects.filter(municipality=1), "parcels_parcel_"),
        (lambda: ChangeRecord.objects.filter(actor__in=[1]), "audit_change_actor_idx"),
        (lambda: ChangeRecord.objects.filter(municipality=1), "audit_change_muni_at_idx"),
    ],
    ids=["block-in", "block-eq", "deed", "parcel-municipality", "actor-in", "history-municipality"],
)
def test_lookups_find_an_index(query, index):
    plan = _qs_plan(query())
    assert "Seq Scan" not in plan and index in plan, plan


def test_database_foreign_key_check_of_a_block_uses_the_partial_index():
    plan = _plan("SELECT 1 FROM parcels_parcel x WHERE block_id = %s FOR KEY SHARE OF x", [1])
    assert "parcels_parcel_block" in plan, plan


def test_a_used_block_cannot_be_deleted_in_the_orm_nor_in_sql(plan):
    block = m.Block.objects.create(municipality=plan.municipality, plan=plan, number="7", geom=plan.geom)
    ParcelFactory(municipality=plan.municipality, plan=plan, block=block)
    with pytest.raises(ProtectedError):
        block.delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM parcels_block WHERE id = %s", [block.pk])
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert m.Block.objects.filter(pk=block.pk).exists()


def test_deleting_a_person_keeps_their_history_without_them(plan, editor):
    by_person = change_record(instance=plan, action=ChangeRecord.Action.UPDATE, actor=editor)
    by_import = change_record(instance=plan, action=ChangeRecord.Action.UPDATE, actor="import")
    editor.delete()
    by_person.refresh_from_db()
    by_import.refresh_from_db()
    assert (by_person.actor_id, by_import.actor_id, by_import.actor_label) == (None, None, "import")
