"""docker-compose.yml is valid and speaks the same environment as the production settings."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SECRETS = {"ARDH_SECRET_KEY": "s3cret", "ARDH_DB_PASSWORD": "pw", "ARDH_ALLOWED_HOSTS": "ardh.example.sa",
           "ARDH_TLS_DIR": "/etc/ardh/tls"}


def _compose_config(env: dict) -> subprocess.CompletedProcess:
    exe = shutil.which("docker-compose")
    assert exe, "docker-compose (Debian package) is installed by scripts/system-deps.sh"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ARDH_")}
    return subprocess.run([exe, "-f", str(ROOT / "docker-compose.yml"), "config"], env={**clean, **env},
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def compose() -> dict:
    done = _compose_config(SECRETS)
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def _settings_reads(env: dict) -> dict:
    """Import the production settings in a clean process with this environment; return what they read."""
    code = (
        "import json, django; django.setup(); from config import env; from django.conf import settings; "
        "print(json.dumps({'read': env.READ, 'db': settings.DATABASES['default']}))"
    )
    # Production's environment: none of ours, and not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (tests/browser).
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ARDH_") and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_compose_has_db_app_and_worker(compose):
    assert {"db", "app", "worker"} <= set(compose["services"])
    worker = compose["services"]["worker"]
    assert worker["command"] == ["python", "manage.py", "procrastinate", "worker"]
    app_env = compose["services"]["app"]["environment"]
    assert {k: v for k, v in worker["environment"].items() if k != "ARDH_JOB_CONCURRENCY"} == app_env
    assert set(_settings_reads({k: str(v) for k, v in worker["environment"].items()})["read"]) >= set(
        worker["environment"]) - {"DJANGO_SETTINGS_MODULE"}
    db = compose["services"]["db"]
    dockerfile = (ROOT / "deploy" / db["build"]["dockerfile"]).read_text()
    assert "FROM postgis/postgis:15" in dockerfile and "postgresql-15-pgrouting" in dockerfile  # routes need it


def test_missing_secrets_are_refused():
    done = _compose_config({k: v for k, v in SECRETS.items() if k != "ARDH_SECRET_KEY"})
    assert done.returncode != 0 and "ARDH_SECRET_KEY" in done.stderr


def test_app_environment_matches_production_settings(compose):
    app_env = {k: str(v) for k, v in compose["services"]["app"]["environment"].items()}
    result = _settings_reads(app_env)
    read = result["read"]
    ardh_vars = {k for k in app_env if k.startswith("ARDH_")}
    # Every variable compose sets is one the settings read (no typos, nothing dead)...
    assert ardh_vars <= set(read), ardh_vars - set(read)
    # ...and every variable production requires is set.
    required = {k for k, v in read.items() if v["required"]}
    assert required <= ardh_vars, required - ardh_vars
    assert app_env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    # The app talks to the db service with the db's own credentials.
    db_env = compose["services"]["db"]["environment"]
    assert app_env["ARDH_DB_HOST"] == "db"
    assert result["db"]["NAME"] == db_env["POSTGRES_DB"] and result["db"]["USER"] == db_env["POSTGRES_USER"]
    assert result["db"]["PASSWORD"] == db_env["POSTGRES_PASSWORD"] == SECRETS["ARDH_DB_PASSWORD"]
    assert result["db"]["PORT"] == 5432


def test_production_refuses_to_start_without_its_secret():
    code = "import django; django.setup()"
    # Production's environment: none of ours, and not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (tests/browser).
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ARDH_") and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.production"})
    assert done.returncode != 0 and "ARDH_SECRET_KEY is required" in done.stderr


def test_check_deploy_reports_nothing_on_production_settings():
    """`manage.py check --deploy` on the production settings: no warning (issue 15, item 11; there were six: HSTS,
    the HTTPS redirect and four of the API schema's). TLS ends at the proxy (tests/test_proxy.py)."""
    # Production's environment: none of ours, and not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (tests/browser).
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ARDH_") and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env = {**clean, **SECRETS, "ARDH_SECRET_KEY": "a-long-random-production-key-" + "k" * 40,
           "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    done = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_the_app_is_reached_only_through_the_proxy(compose):
    services = compose["services"]
    assert "ports" not in services["app"], "the application must not be published past the proxy"
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx")
    assert {str(p["target"]) if isinstance(p, dict) else p.split(":")[-1] for p in proxy["ports"]} == {"80", "443"}
    mounts = [v["source"] if isinstance(v, dict) else v.split(":")[0] for v in proxy["volumes"]]
    assert any(str(m).endswith("deploy/nginx.conf.template") for m in mounts)
    assert proxy["environment"]["PROXY_UPSTREAM"] == "app:8000"


def test_mapproxy_runs_as_its_own_service_behind_the_proxy(compose):
    services = compose["services"]
    mapproxy = services["mapproxy"]
    assert mapproxy["command"][-2:] == ["--application", "tiles.mapproxy_wsgi:application"]
    assert "ports" not in mapproxy and mapproxy["healthcheck"]["test"]
    env = {k: str(v) for k, v in mapproxy["environment"].items()}
    assert set(_settings_reads(env)["read"]) >= set(env) - {"DJANGO_SETTINGS_MODULE"}
    assert env["ARDH_MAPPROXY_SOURCE_URL"] == "http://app:8000"  # the app, over the compose network
    assert services["proxy"]["environment"]["PROXY_MAPPROXY_UPSTREAM"] == "mapproxy:8080"
    assert "location /mapproxy/" in (ROOT / "deploy" / "nginx.conf.template").read_text()


def test_the_app_answers_the_name_mapproxy_calls_it_by():
    code = ("import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.ALLOWED_HOSTS))")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ARDH_")}, **SECRETS,
           "ARDH_SECRET_KEY": "k" * 60, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "ARDH_ALLOWED_HOSTS": "ardh.example.sa", "ARDH_MAPPROXY_SOURCE_URL": "http://app:8000"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["ardh.example.sa", "app"]

