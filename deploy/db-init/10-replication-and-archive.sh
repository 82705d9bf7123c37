#!/usr/bin/env bash
# Run once by the postgis image when the primary's data directory is created (docker-entrypoint-initdb.d):
# the replica may stream from it over the compose network with the app's credentials, and WAL is archived into
# the backups volume (docs/operations.md, "Backups"; decision 037).
set -euo pipefail
echo "host replication ${POSTGRES_USER} samenet scram-sha-256" >> "$PGDATA/pg_hba.conf"
mkdir -p /backup/wal /backup/base
