"""Admin changelists of large registers page with PostgreSQL's estimate instead of counting the table
(common/admin_paging.py); filtered lists and small tables are still counted exactly."""

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import ChangeRecord
from audit.services import change_records_bulk
from common.admin_paging import EstimatedCountPaginator, estimated_rows
from parcels.models import Parcel
from tests.factories import ParcelFactory

pytestmark = pytest.mark.django_db(transaction=True)  # ANALYZE sees committed rows, as in production
N = 7


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.invalid", "pw")
    client.force_login(user)
    return user


@pytest.fixture
def city(plan):
    parcels = [ParcelFactory(plan=plan, deed_number=f"D-{i}") for i in range(N)]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Parcel._meta.db_table}")
    return parcels


@pytest.fixture
def two_per_page(monkeypatch):
    monkeypatch.setattr(admin.site._registry[Parcel], "list_per_page", 2)


def counts_of_whole_table(queries, table: str) -> list[str]:
    """COUNT statements over ``table`` without a WHERE clause."""
    return [q["sql"] for q in queries
            if re.search(r"SELECT COUNT\(\*\)", q["sql"], re.I) and f'FROM "{table}"' in q["sql"]
            and " WHERE " not in q["sql"]]


def test_estimate_follows_the_planner(city):
    assert estimated_rows(Parcel) == N  # exact right after ANALYZE


def test_unfiltered_changelist_pages_with_the_estimate(client, staff, city, settings, two_per_page):
    settings.ARDH_ADMIN_EXACT_COUNT_BELOW = 1  # the test city counts as large
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/admin/parcels/parcel/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert counts_of_whole_table(ctx.captured_queries, Parcel._meta.db_table) == []
    assert any("pg_class" in q["sql"] for q in ctx.captured_queries)
    assert f"{N} parcels" in html
    assert html.count('class="action-checkbox"') == 2  # rows of page 1
    assert 'href="?p=4"' in html  # 7 rows, 2 a page: pages 1-4 linked
    last = client.get("/admin/parcels/parcel/?p=4").content.decode()
    assert last.count('class="action-checkbox"') == 1


def test_filtered_changelist_is_counted_exactly(client, staff, city, settings, two_per_page):
    settings.ARDH_ADMIN_EXACT_COUNT_BELOW = 1
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/admin/parcels/parcel/?q=D-3", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "1 parcel" in page.content.decode()
    counts = [q["sql"] for q in ctx.captured_queries if re.search(r"SELECT COUNT\(\*\)", q["sql"], re.I)]
    assert len(counts) == 1 and " WHERE " in counts[0]  # the search's count; no whole-table count beside it
    assert not any("pg_class" in q["sql"] for q in ctx.captured_queries)


def test_small_tables_are_counted_exactly(city, settings):
    settings.ARDH_ADMIN_EXACT_COUNT_BELOW = 100_000
    with CaptureQueriesContext(connection) as ctx:
        assert EstimatedCountPaginator(Parcel.objects.all(), 2).count == N
    assert len(counts_of_whole_table(ctx.captured_queries, Parcel._meta.db_table)) == 1


def test_audit_trail_changelist_renders_without_counting(client, staff, city, settings):
    settings.ARDH_ADMIN_EXACT_COUNT_BELOW = 1
    change_records_bulk(instances=city, action=ChangeRecord.Action.UPDATE, actor=staff, note="test")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ChangeRecord._meta.db_table}")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/admin/audit/changerecord/")
    assert page.status_code == 200 and page.content.decode().count('class="field-object_id"') == N
    assert counts_of_whole_table(ctx.captured_queries, ChangeRecord._meta.db_table) == []
