"""The project-local cluster (scripts/pg.sh) is reached over its Unix socket unless ARDH_DB_HOST says otherwise."""

import os

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.skipif(bool(os.environ.get("ARDH_DB_HOST")), reason="ARDH_DB_HOST is set: Ardh connects where it says")
def test_the_project_cluster_is_reached_over_its_socket(db):
    assert settings.DATABASES["default"]["HOST"] == str(settings.BASE_DIR / ".data" / "run")
    with connection.cursor() as cursor:
        cursor.execute("SELECT inet_client_addr()")  # NULL over a Unix socket
        assert cursor.fetchone()[0] is None
