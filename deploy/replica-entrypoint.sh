#!/usr/bin/env bash
# The streaming read replica (decision 038): the first time, a base backup of the primary ("db") with its standby
# settings (-R); then PostgreSQL as a hot standby. The app reads from it (ARDH_REPLICA_HOST) while it streams.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h db -U "$POSTGRES_USER" -d "$POSTGRES_DB"; do sleep 2; done
  PGPASSWORD="$POSTGRES_PASSWORD" pg_basebackup -h db -U "$POSTGRES_USER" -D "$PGDATA" -X stream -R \
    --checkpoint=fast
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on -c hot_standby_feedback=on
