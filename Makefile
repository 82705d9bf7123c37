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
# MapProxy (mounted at /mapproxy/) reads our raster XYZ tiles from the server it runs in.
export ARDH_MAPPROXY_SOURCE_URL ?= http://$(HOST):$(PORT)
# The SADAD simulator (scripts/sadad.sh, docs/sadad-simulator.md): Ardh uploads bills to it and it notifies
# Ardh's endpoint of payments made on its bank page. Ardh's settings read the same URL and secret.
export ARDH_SADAD_PORT ?= 8766
export ARDH_SADAD_URL ?= http://127.0.0.1:$(ARDH_SADAD_PORT)
export ARDH_SADAD_SECRET ?= whsec_YXJkaC1kZW1vLXNhZGFkLXNlY3JldC1ub3QtZm9yLXByb2R1Y3Rpb24=
export ARDH_SADAD_NOTIFY_URL ?= http://$(HOST):$(PORT)/api/v1/payments/sadad/notifications

.PHONY: help demo test deps system venv vendor messages db migrate demo-data static serve worker sadad stop lint contracts \
        check-migrations distribution-check backup restore replica \
        pytest clean

help:
	@echo "make demo   install what is missing, start PostGIS, load the demo city, serve http://$(HOST):$(PORT)"
	@echo "make test   same setup, then ruff, the import contract, makemigrations --check and the whole test suite"
	@echo "make stop   stop the project-local PostgreSQL cluster and the SADAD simulator"

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

MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.stamp
	@$(PY) manage.py compilemessages -l $* --ignore=.venv --ignore=node_modules -v0

messages: $(MO_FILES)

deps: system venv vendor messages

db: system
	@bash scripts/pg.sh start

migrate: deps db
	@$(PY) manage.py migrate --noinput -v0

## --- demo
demo-data: migrate
	@$(PY) manage.py generate_demo --parcels $(DEMO_PARCELS)
	@$(PY) manage.py ensure_demo_admin
	@$(PY) manage.py generate_demo_cases  # the demo's people (README's tour) and cases of every registered type
	@$(PY) manage.py make_orthophoto  # the demo orthophoto (tiles/): a COG painted from the demo city

static: deps
	@$(PY) manage.py collectstatic --noinput -v0

# The SADAD simulator (a bank's side of bills and payments) in the background; `make stop` stops it.
sadad:
	@bash scripts/sadad.sh start

# The queue's worker (runtime/jobs.py) runs beside the server and stops with it (the trap).
demo: demo-data static sadad
	@echo "Serving Ardh on http://$(HOST):$(PORT)/  (admin: /admin/, user 'admin', password 'ardh-demo'; the other demo people: README's tour; Ctrl-C stops)"
	@echo "Pay bills at the SADAD simulator's bank page: http://127.0.0.1:$(ARDH_SADAD_PORT)/bank/"
	@export ARDH_DEBUG=false DJANGO_SETTINGS_MODULE=config.settings.dev; \
	    $(PY) manage.py procrastinate worker & worker=$$!; \
	    trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	    $(PY) -m runtime.serve --host $(HOST) --port $(PORT) --access-log

# The queue's worker alone (imports, offline packages, notifications, periodic sweeps).
worker: migrate
	@DJANGO_SETTINGS_MODULE=config.settings.dev exec $(PY) manage.py procrastinate worker

stop:
	@bash scripts/sadad.sh stop
	@bash scripts/replica.sh stop
	@bash scripts/pg.sh stop

## --- checks
lint: venv
	$(VENV)/bin/ruff check .

# The layering (docs/decisions/011): arrows only point down; domain code never imports serving code.
contracts: venv
	$(VENV)/bin/lint-imports --no-cache

check-migrations: migrate
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

# Backups proven by restoring (docs/operations.md, "Backups"): a base backup of the cluster and the documents
# (WAL is archived continuously from the first one on); a restore to TARGET_TIME into a fresh cluster.
backup: db
	@bash scripts/backup.sh base

restore:
	@bash scripts/backup.sh restore "$(TARGET_TIME)" $(RESTORE_DIR)

# Every table and whether it is ready to be distributed by municipality (runtime/distribution.py, decision 036):
# an unclassified table (no tenant key, not declared) fails.
distribution-check: migrate
	$(PY) manage.py distribution_check

# The streaming read replica of the project cluster (scripts/replica.sh, decision 038): once it exists, `make demo`
# serves read-only requests from it (/healthz says where reads went); make test runs its tests against it.
replica: db
	@bash scripts/replica.sh start

pytest: deps db replica
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint contracts check-migrations distribution-check pytest

clean: stop
	rm -rf .data $(VENV) node_modules

## --- benchmarks: each prints its figures against the database floor / peers measured in the same run.
# All use their own database (BENCH_DB) in the project-local cluster, never the demo's.
BENCH_DB ?= ardh_bench
BENCH := ARDH_DB_NAME=$(BENCH_DB)
BENCH_IMPORT_PARCELS ?= 1000000
.PHONY: bench bench-db bench-city bench-generate bench-import bench-tiles bench-api bench-map bench-jobs bench-cases \
        bench-payments bench-payments-recon bench-permits bench-licensing-routes bench-licensing bench-grants \
        bench-portal bench-kingdom

bench-db: deps
	@$(BENCH) bash scripts/pg.sh start
	@$(BENCH) $(PY) manage.py migrate --noinput -v0

# The 1M-parcel demo city (skipped when already loaded).
bench-city: bench-db
	@$(BENCH) $(PY) manage.py generate_demo --parcels 1000000

# Time, throughput, size and peak memory of generating the 1M-parcel city from scratch.
bench-generate: bench-db
	@$(BENCH) /usr/bin/time -f "peak RSS %M KB, wall %e s" \
	    $(PY) manage.py generate_demo --parcels $${PARCELS:-1000000} --force

# Import with full validation and topology checks vs ogr2ogr (PG_USE_COPY) of the same GeoPackage.
# Its own database: the generated file lies where the demo city does, in another (scratch) municipality.
BENCH_IMPORT_DB ?= ardh_bench_import
bench-import: deps
	@ARDH_DB_NAME=$(BENCH_IMPORT_DB) bash scripts/pg.sh start
	@ARDH_DB_NAME=$(BENCH_IMPORT_DB) $(PY) manage.py migrate --noinput -v0
	@ARDH_DB_NAME=$(BENCH_IMPORT_DB) BENCH_IMPORT_PARCELS=$(BENCH_IMPORT_PARCELS) $(PY) bench/import_bench.py

# Tiles z12-17: raw SQL floor, our endpoint uncached and cached, TiPg; 1/2/4 connections.
bench-tiles: bench-city
	@$(BENCH) $(PY) bench/tiles_bench.py

# at-point p50/p99; OGC items of 1,000 features vs the SQL floor, pygeoapi and TiPg.
bench-api: bench-city
	@$(BENCH) $(PY) bench/api_bench.py

# The planners' map on the demo city (the `make demo` database), in headless Chromium.
bench-map: demo-data static
	@DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) bench/map_bench.py

# How soon a job starts after its commit on an idle worker (median/p95 of BENCH_JOBS=50; goal <= 1 s).
bench-jobs: bench-db
	@$(BENCH) $(PY) bench/jobs_bench.py

# The cases backbone on the bench city with BENCH_CASES cases (bulk-generated once): the inbox list page p99
# (goal <= 50 ms server time), a transition (<= 20 ms), a job's start after commit (bench/jobs_bench.py, <= 1 s).
BENCH_CASES ?= 100000
bench-cases: bench-city
	@$(BENCH) BENCH_CASES=$(BENCH_CASES) $(PY) bench/cases.py

# Payments on the bench city (its cases, from bench-cases): a burst of 2,000 signed SADAD notifications (20 %
# repeats, 5 % out of order, 8 senders) — p99 per notification (goal <= 50 ms), then 0 double credits and 0 lost
# once a real worker has applied them.
# Then the reconciliation of a 100,000-line file (bench-payments-recon).
bench-payments: bench-city
	@$(BENCH) BENCH_CASES=$(BENCH_CASES) $(PY) bench/payments.py
	@$(MAKE) --no-print-directory bench-payments-recon

# Reconciliation of a 100,000-line SADAD file (goal <= 10 s) against the floor (parse + COPY of its lines), in
# a municipality of its own in the bench database (bench/payments_recon.py).
BENCH_RECON_LINES ?= 100000
bench-payments-recon: bench-db
	@$(BENCH) BENCH_RECON_LINES=$(BENCH_RECON_LINES) $(PY) bench/payments_recon.py

# Building permits on the bench city: one full check p95 (goal <= 50 ms) vs its floor (the registers' reads as raw
# SQL + the pure check), the what-if over a 50,000-parcel district (<= 30 s), the certificate PDF (<= 1 s).
BENCH_CHECKS ?= 200
bench-permits: bench-city
	@$(BENCH) BENCH_CHECKS=$(BENCH_CHECKS) $(PY) bench/permits.py

# The inspectors' day on the demo city (the `make demo` database): 40 visits for one inspector (goal <= 2 s), 10 x 40
# (<= 10 s), the routes' length against the naive nearest-next order.
bench-licensing-routes: demo-data
	@$(PY) bench/licensing_routes.py

# Licensing on the demo city: the spatial eligibility p95 (goal <= 30 ms) beside its floor, a sync of 200 offline
# visits in one batch (<= 5 s, 0 lost, 0 duplicated, then repeated), and the routes (bench-licensing-routes).
bench-licensing: demo-data
	@$(PY) bench/licensing.py
	@$(PY) bench/licensing_routes.py

# Land grants and reservations on the bench city: the plot pool (goal <= 500 ms), a lottery of 20,000 applicants over
# 5,000 plots with its verification (<= 5 s), an overlapping site refused among 100,000 (<= 20 ms per insert).
bench-grants: bench-city
	@$(BENCH) $(PY) bench/grants.py

# The citizens' portal on the demo city: "my transactions" and the complaint form interactive on a 360 px phone on
# Fast 3G (goal <= 2 s), complaint routing (<= 20 ms server time), a burst of 500 complaints in a minute from 100
# addresses (0 lost) — bench/portal.py and bench/complaints.py.
bench-portal: demo-data static bench-city
	@DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) bench/portal.py
	@$(BENCH) $(PY) bench/complaints.py

# The kingdom in miniature on the bench city: twenty simulated municipalities beside it (fixtures/kingdom.py, loaded
# once), then tiles, at-point, the inbox and the portal in the 1M city, a large and a small one against their goals,
# and the scans of each beyond its municipality (runtime/locality.py) — bench/kingdom.py.
bench-kingdom: bench-city
	@$(BENCH) $(PY) bench/kingdom.py

bench: bench-generate bench-import bench-tiles bench-api bench-map bench-jobs bench-cases bench-payments bench-permits bench-grants bench-portal bench-kingdom
