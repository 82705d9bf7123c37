"""Server-side prepared statements for the statements every request runs.

Django's cursors bind parameters on the client: each statement reaches PostgreSQL as new text,
which parses and plans it again. For a few fixed statements that run on every request (a map
tile, the API-key lookup) planning is a large share of the work, so those run through
``prepared_cursor``: parameters are bound on the server and psycopg prepares the statement the first
time it runs on a connection (kept per persistent connection, LRU of ``prepared_max``). It is still a
Django cursor: database errors are wrapped, execute wrappers and the query log see it.

This needs ``OPTIONS: {"prepare_threshold": ...}`` in DATABASES (Django sets it to None, which turns
psycopg's preparing off) and no transaction-pooling proxy in front of PostgreSQL. See
docs/decisions/007-serving-path.md.
"""

from __future__ import annotations

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


def prepared_cursor() -> CursorWrapper:
    """A cursor of the default connection whose statements are prepared on the server (use it as a context
    manager, like ``connection.cursor()``). Parameters are typed by their Python value (an ``int`` is an
    integer, a ``str`` text of unknown type), so keep the SQL's placeholders unambiguous."""
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: every attribute read through the proxy is a lookup
    db.ensure_connection()
    db.validate_thread_sharing()  # as Django's own cursors do
    wrapper = _DebugWrapper if db.queries_logged else CursorWrapper
    return wrapper(_PreparingCursor(db.connection), db)
