"""The distribution-readiness check (runtime/distribution.py) reads the real catalogue: a new table without the
tenant key fails it, a tenant table keyed by (municipality_id, id) with its foreign keys on the tenant key is
ready, one with a plain id key is not — and the project's own schema passes (no unclassified table)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from runtime.distribution import readiness, verdict


def by_name():
    return {t.name: t for t in readiness()}


@pytest.mark.django_db
def test_the_schema_has_no_unclassified_table():
    assert verdict(readiness()) == []
    tables = by_name()
    assert tables["parcels_parcel"].kind == "distributed" and not tables["parcels_parcel"].ready
    assert any("primary key" in p for p in tables["parcels_parcel"].problems)
    assert tables["accounts_role"].kind == "reference" and tables["cases_timelineentry"].kind == "gap"


@pytest.mark.django_db
def test_a_new_table_without_the_tenant_key_fails_the_check():
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE scratch_orphan (id bigint PRIMARY KEY, note text)")
    assert by_name()["scratch_orphan"].kind == "unclassified"
    with pytest.raises(CommandError, match="scratch_orphan"):
        call_command("distribution_check", "--quiet")


@pytest.mark.django_db
def test_a_table_keyed_by_municipality_is_ready_and_a_foreign_key_off_the_key_is_not():
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE scratch_head (municipality_id bigint NOT NULL, id bigint, "
                    "PRIMARY KEY (municipality_id, id))")
        cur.execute("CREATE TABLE scratch_line (municipality_id bigint NOT NULL, id bigint, head_id bigint, "
                    "PRIMARY KEY (municipality_id, id), "
                    "FOREIGN KEY (municipality_id, head_id) REFERENCES scratch_head (municipality_id, id))")
        cur.execute("CREATE TABLE scratch_loose (municipality_id bigint NOT NULL, id bigint, head_id bigint, "
                    "PRIMARY KEY (municipality_id, id), UNIQUE (head_id))")
        cur.execute("ALTER TABLE scratch_loose ADD FOREIGN KEY (head_id, municipality_id) "
                    "REFERENCES scratch_head (id, municipality_id)")
    tables = by_name()
    assert tables["scratch_head"].ready and tables["scratch_line"].ready
    loose = tables["scratch_loose"]
    assert not loose.ready and any("unique" in p for p in loose.problems)
