# Ardh — two commands: `make demo` and `make test`. Both install what is missing,
# start the project-local PostGIS cluster (.data/pg, port $(ARDH_DB_PORT)) and are idempotent.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export ARDH_DB_PORT ?= 5441
export ARDH_DB_NAME ?= ardh
DEMO_PARCELS ?= 6000
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help demo test deps system venv vendor db migrate demo-data static serve stop lint check-migrations \
        pytest bench-data clean

help:
	@echo "make demo   install what is missing, start PostGIS, load the demo city, serve http://$(HOST):$(PORT)"
	@echo "make test   same setup, then ruff, makemigrations --check and the whole test suite"
	@echo "make stop   stop the project-local PostgreSQL cluster"

## --- setup (each step skips what is already done)
system:
	@bash scripts/system-deps.sh

$(VENV)/.stamp: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

venv: system $(VENV)/.stamp

vendor: system
	@bash scripts/vendor.sh

deps: system venv vendor

db: system
	@bash scripts/pg.sh start

migrate: deps db
	@$(PY) manage.py migrate --noinput -v0

## --- demo
demo-data: migrate
	@$(PY) manage.py generate_demo --parcels $(DEMO_PARCELS)
	@$(PY) manage.py ensure_demo_admin

static: deps
	@$(PY) manage.py collectstatic --noinput -v0

demo: demo-data static
	@echo "Serving Ardh on http://$(HOST):$(PORT)/  (admin: /admin/, user 'admin', password 'ardh-demo'; Ctrl-C stops)"
	@ARDH_DEBUG=false exec $(VENV)/bin/gunicorn config.wsgi:application --env DJANGO_SETTINGS_MODULE=config.settings.dev \
	    --bind $(HOST):$(PORT) --workers 3 --threads 2 --access-logfile - --graceful-timeout 5

stop:
	@bash scripts/pg.sh stop

## --- checks
lint: venv
	$(VENV)/bin/ruff check .

check-migrations: migrate
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

pytest: deps db
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint check-migrations pytest

clean: stop
	rm -rf .data $(VENV) node_modules

## --- imports (issue 3): import benchmark against ogr2ogr, measured in the same run
BENCH_IMPORT_PARCELS ?= 1000000
.PHONY: bench-import
bench-import: migrate
	BENCH_IMPORT_PARCELS=$(BENCH_IMPORT_PARCELS) $(PY) bench/import_bench.py
