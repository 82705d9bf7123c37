"""Admin changelists of large registers without counting the table.

Django's changelist counts its rows twice per page (the filtered count for the paginator and, with
``show_full_result_count``, the whole table): at 1,000,000 parcels each ``SELECT COUNT(*)`` takes over a second.
An unfiltered list of a large table pages with PostgreSQL's own estimate of its size (the planner's:
``reltuples`` scaled to the table's current number of pages), which is exact right after ANALYZE and close
otherwise; filtered or searched lists, and tables whose estimate is below ``ARDH_ADMIN_EXACT_COUNT_BELOW``,
are counted exactly. When the estimate is high the last page can come out short or empty, which is the price
of not reading a million rows to print a number.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


def estimated_rows(model, using: str = "default") -> int | None:
    """The planner's estimate of the table's rows; None if the table was never analysed."""
    conn = connections[using]
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN c.reltuples < 0 THEN NULL"
            " WHEN c.relpages = 0 THEN c.reltuples"
            " ELSE c.reltuples / c.relpages"
            " * (pg_relation_size(c.oid) / current_setting('block_size')::int) END::bigint"
            " FROM pg_class c WHERE c.oid = %s::regclass",
            [conn.ops.quote_name(model._meta.db_table)],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def _whole_table(qs: QuerySet) -> bool:
    """The queryset is every row of its model's table (no filter, search, DISTINCT, union or slice)."""
    q = qs.query
    return (not q.where and not q.distinct and not q.combinator and not q.extra and q.low_mark == 0
            and q.high_mark is None and not qs.model._meta.proxy)


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if isinstance(qs, QuerySet) and _whole_table(qs):
            estimate = estimated_rows(qs.model, qs.db)
            if estimate is not None and estimate >= settings.ARDH_ADMIN_EXACT_COUNT_BELOW:
                return estimate
        return super().count


class LargeTableAdmin:
    """ModelAdmin mixin for registers that grow with the city (parcels, blocks, the audit trail)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False  # "N results (M total)" would count the whole table on every page
