"""runtime.db.streamed_column: a statement's rows in batches as PostgreSQL sends them (OGC item pages use it).
Errors before the first batch raise at the call, as ``execute`` does; errors later raise while iterating; a
stream closed early cancels the rest of its statement; the connection is usable after each."""

import pytest
from django.db import DataError, connection
from django.test.utils import CaptureQueriesContext

from runtime.db import streamed_column

pytestmark = pytest.mark.django_db(transaction=True)  # autocommit, as a server's connection is

SERIES = "SELECT i::text FROM generate_series(1, %s) i ORDER BY i::int"


def still_usable() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 41 + 1")
        return cursor.fetchone()[0] == 42


@pytest.mark.parametrize(("rows", "batch", "sizes"), [(250, 100, [100, 100, 50]), (200, 100, [100, 100]),
                                                      (3, 100, [3]), (0, 100, []), (7, 2, [2, 2, 2, 1])])
def test_rows_come_in_order_in_batches(rows, batch, sizes):
    batches = list(streamed_column(SERIES, [rows], batch=batch))
    assert [len(b) for b in batches] == sizes
    assert [int(v) for b in batches for v in b] == list(range(1, rows + 1))
    assert still_usable()


def test_a_failure_before_the_first_row_raises_at_the_call():
    with pytest.raises(DataError, match="division by zero"):
        streamed_column("SELECT (1 / (i - 1))::text FROM generate_series(1, 10) i", [], batch=100)
    assert still_usable()


def test_a_failure_after_the_first_batch_raises_while_iterating():
    sql = "SELECT CASE WHEN i >= 150 THEN (1 / (i - 150))::text ELSE i::text END FROM generate_series(1, 300) i"
    stream = streamed_column(sql, [], batch=100)  # the first 100 rows are fine: no error yet
    got = []
    with pytest.raises(DataError, match="division by zero"):
        for batch in stream:
            got += batch
    assert got == [str(i) for i in range(1, 101)]
    assert still_usable()


def test_closing_early_cancels_the_rest_of_the_statement():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY SEQUENCE made")
    # After its first 200 rows, each row takes a millisecond: 100,000 rows would take minutes.
    sql = ("SELECT nextval('made')::text FROM generate_series(1, 100000) i "
           "WHERE i <= 200 OR pg_sleep(0.001) IS NOT NULL")
    stream = streamed_column(sql, [], batch=100)
    first = next(iter(stream))
    assert len(first) == 100
    stream.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM made")
        made = cursor.fetchone()[0]
    assert 100 <= made < 100000  # stopped where the cancel found it, not run to the end
    assert still_usable()


def test_the_statement_is_in_the_query_log():
    with CaptureQueriesContext(connection) as log:
        list(streamed_column(SERIES, [5], batch=100))
    assert len(log.captured_queries) == 1
    assert "generate_series(1, 5)" in log.captured_queries[0]["sql"]
