"""Making the database slow the way production does: another session holds a lock on a table."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import psycopg
from django.db import connection


def other_session() -> psycopg.Connection:
    """A second connection to the test database, outside Django."""
    s = connection.settings_dict
    return psycopg.connect(dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"], host=s["HOST"],
                           port=s["PORT"])


@contextmanager
def table_locked(model, release_after: float | None = None):
    """Another session holds ACCESS EXCLUSIVE on ``model``'s table until the block ends (or for ``release_after``
    seconds): every statement reading the table waits."""
    other = other_session()
    other.execute(f"LOCK TABLE {model._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    timer = threading.Timer(release_after, other.rollback) if release_after else None
    if timer:
        timer.start()
    try:
        yield
    finally:
        if timer:
            timer.join()
        other.rollback()
        other.close()
