"""Server-side prepared statements for the statements every request runs, and rows streamed as they come.

Django's cursors bind parameters on the client: each statement reaches PostgreSQL as new text,
which parses and plans it again. For a few fixed statements that run on every request (a map
tile, the API-key lookup) planning is a large share of the work, so those run through
``prepared_cursor``: parameters are bound on the server and psycopg prepares the statement the first
time it runs on a connection (kept per persistent connection, LRU of ``prepared_max``). It is still a
Django cursor: database errors are wrapped, execute wrappers and the query log see it.

This needs ``OPTIONS: {"prepare_threshold": ...}`` in DATABASES (Django sets it to None, which turns
psycopg's preparing off) and no transaction-pooling proxy in front of PostgreSQL. See
docs/decisions/007-serving-path.md.

``streamed_column`` runs a statement whose rows are pieces of one document (the features of a page of items)
and hands them over in batches as PostgreSQL sends them, so a response can go out while later rows are still
being made (docs/decisions/010-streamed-items.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper


class _PreparingCursor(psycopg.Cursor):
    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class _DebugWrapper(CursorDebugWrapper):
    def execute(self, sql, params=None):
        # psycopg keeps no text of a prepared execution to log: log the statement as written (the log has the
        # parameters apart).
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


def prepared_cursor(alias: str = DEFAULT_DB_ALIAS) -> CursorWrapper:
    """A cursor of the connection ``alias`` (the primary by default; a read-only path passes
    ``runtime.replica.read_alias()``) whose statements are prepared on the server (use it as a context
    manager, like ``connection.cursor()``). Parameters are typed by their Python value (an ``int`` is an
    integer, a ``str`` text of unknown type), so keep the SQL's placeholders unambiguous."""
    db = connections[alias]  # the connection itself: every attribute read through the proxy is a lookup
    db.ensure_connection()
    db.validate_thread_sharing()  # as Django's own cursors do
    wrapper = _DebugWrapper if db.queries_logged else CursorWrapper
    return wrapper(_PreparingCursor(db.connection), db)


class StreamedColumn:
    """The first column of a statement's rows, in batches, as they arrive (``streamed_column``). Iterate it once,
    to the end, or close it: until then its cursor holds the connection."""

    def __init__(self, db, cursor: CursorWrapper):
        self._db, self._cursor = db, cursor

    def __iter__(self) -> Iterator[list]:
        try:
            raw = self._cursor.cursor
            batch = raw.first
            while batch:
                yield batch
                if len(batch) < raw.batch:
                    break  # a short batch is the last
                with self._db.wrap_database_errors:
                    batch = [row[0] for row in islice(raw.rows, raw.batch)]
        finally:
            self.close()

    def close(self) -> None:
        """Stop early (PostgreSQL is told to cancel a statement still sending rows) or after the last row."""
        if self._cursor is not None:
            cursor, self._cursor = self._cursor, None
            cursor.cursor.rows.close()
            cursor.close()


def streamed_column(sql: str, params: list, *, batch: int = 100, alias: str = DEFAULT_DB_ALIAS) -> StreamedColumn:
    """Run ``sql`` (parameters bound on the client, as Django's cursors bind them) in psycopg's chunked-rows mode
    and wait for its first ``batch`` rows, so that a statement failing or cancelled while it scans and sorts
    raises here, as ``cursor.execute`` would (a Django database error). Later batches come as the returned
    object is iterated. Logged in the query log like any statement (with its time until the first batch).
    ``alias``: the connection (a read-only path passes ``runtime.replica.read_alias()``)."""
    db = connections[alias]
    db.ensure_connection()
    db.validate_thread_sharing()
    raw = _StreamingCursor(db.connection)
    raw.batch = batch
    cursor = (CursorDebugWrapper if db.queries_logged else CursorWrapper)(raw, db)
    try:
        cursor.execute(sql, params)  # through Django's execute wrappers and error wrapping
    except BaseException:
        if hasattr(raw, "rows"):
            raw.rows.close()
        cursor.close()
        raise
    return StreamedColumn(db, cursor)


class _StreamingCursor(psycopg.ClientCursor):
    """``execute`` starts ``stream`` in chunks of ``batch`` rows (libpq 17 or later, which psycopg's binary wheel
    brings) and takes the first batch: the statement's scan and sort happen before its first row comes."""

    batch = 100

    def execute(self, query, params=None, *, prepare=None, binary=None):
        self.rows = self.stream(query, params, size=self.batch)
        self.first = [row[0] for row in islice(self.rows, self.batch)]
        return self
