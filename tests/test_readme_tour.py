"""The README's tour works as written: every URL of its table answers, and every command of its shell block
runs (against the shipped server on the test database, with a small demo city)."""

from __future__ import annotations

import os
import re
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tests.test_serve import _server

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DEMO = "http://127.0.0.1:8000"


def tour_commands() -> str:
    block = README.split("<!-- tour:begin -->", 1)[1].split("<!-- tour:end -->", 1)[0]
    return block.split("```sh", 1)[1].split("```", 1)[0]


def tour_rows() -> list[tuple[str, str]]:
    """(URL, the user its row says to sign in as; "admin" when it names none) of the tour's table."""
    table = README.split("## Tour", 1)[1].split("<!-- tour:begin -->", 1)[0]
    rows = re.findall(r"^\| (http://127\.0\.0\.1:8000\S*) \|(.*)$", table, flags=re.M)
    return [(url, (re.search(r"sign in as `(\w+)`", text) or [None, "admin"])[1]) for url, text in rows]


def tour_urls() -> list[str]:
    return [url for url, _user in tour_rows()]


@pytest.fixture
def demo(transactional_db):
    call_command("generate_demo", parcels=300, stdout=StringIO())
    call_command("ensure_demo_admin", stdout=StringIO())
    call_command("generate_demo_cases", per_type=6, stdout=StringIO())


def test_the_tour_lists_what_it_promises():
    assert len(tour_urls()) >= 10
    assert "ogrinfo" in tour_commands() and "api_key_create" in tour_commands()


def test_every_url_of_the_tour_answers(demo, client):
    for url, user in tour_rows():
        assert client.login(username=user, password="ardh-demo"), user
        response = client.get(url.removeprefix(DEMO))
        assert response.status_code == 200, (url, user)


def test_every_command_of_the_tour_runs(demo, tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "ARDH_DB_NAME": connection.settings_dict["NAME"]}
    with _server() as url:
        script = tour_commands().replace(DEMO, url)
        result = subprocess.run(["bash", "-euo", "pipefail", "-x", "-c", script], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert '"postgis"' in result.stdout  # healthz
    assert '"parcels"' in result.stdout  # at-point
    assert "Feature Count:" in result.stdout  # ogrinfo counted the layer
    assert '"number":"RAS-' in result.stdout.replace(" ", "")  # the reviewer signed in and saw her queue
    assert "verified: the draw recomputes exactly" in result.stdout  # a drawn lottery recomputed by its script
