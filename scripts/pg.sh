#!/usr/bin/env bash
# A project-local PostgreSQL/PostGIS cluster under .data/pg, on its own port and
# socket directory. It never touches a system cluster.
#   scripts/pg.sh start   initialise (first time) and start; create the database
#   scripts/pg.sh stop    stop the cluster
#   scripts/pg.sh status
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=${ARDH_PGBIN:-$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || dirname "$(command -v pg_ctl)")}
DATA=${ARDH_PG_DATA:-$root/.data/pg}
RUN=${ARDH_PG_RUN:-$root/.data/run}
LOG=${ARDH_PG_LOG:-$root/.data/pg.log}
# Continuous WAL archiving (docs/operations.md, "Backups"): every finished WAL segment is handed to
# scripts/archive-wal.sh, which keeps it under $BACKUP/wal once backups are on (the first `make backup`).
BACKUP=${ARDH_BACKUP_DIR:-$root/.data/backup}
PORT=${ARDH_DB_PORT:-5441}
SLOT_KEEP=${ARDH_SLOT_WAL_KEEP:-8GB}
DB=${ARDH_DB_NAME:-ardh}
USER_=${ARDH_DB_USER:-ardh}

# PostgreSQL refuses to run as root: as root, run it as the 'postgres' system user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

psql_() { "$PGBIN/psql" -X -q -h "$RUN" -p "$PORT" -U "$USER_" "$@"; }

init() {
  [ -f "$DATA/PG_VERSION" ] && return 0
  mkdir -p "$DATA" "$RUN"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "error: no 'postgres' user; is postgresql-15 installed?" >&2; exit 1; }
    chown postgres: "$DATA" "$RUN"
    chmod 700 "$DATA"
    # The server runs as 'postgres': it must be able to traverse the checkout's parent folders
    # (e.g. a clone under /root). Grant only the search bit (o+x), never read, where it is missing.
    d="$root"
    while [ "$d" != "/" ]; do
      if ! runuser -u postgres -- test -x "$d"; then
        echo "Granting 'postgres' traversal (o+x) of $d"
        chmod o+x "$d"
      fi
      d=$(dirname "$d")
    done
    if ! runuser -u postgres -- test -w "$DATA"; then
      echo "error: user 'postgres' cannot write $DATA" >&2
      exit 1
    fi
  fi
  echo "Initialising PostgreSQL cluster in $DATA (port $PORT)"
  as_owner "$PGBIN/initdb" -D "$DATA" -U "$USER_" --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >/dev/null
  cat >>"$DATA/postgresql.conf" <<CONF
# --- Ardh project-local cluster ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$RUN'
shared_buffers = 1GB
work_mem = 64MB
maintenance_work_mem = 512MB
max_wal_size = 4GB
checkpoint_timeout = 15min
random_page_cost = 1.1
effective_cache_size = 8GB
max_connections = 100
CONF
}

start() {
  init
  if ! as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    touch "$LOG"; [ "$(id -u)" = 0 ] && chown postgres: "$LOG"
    # The port always follows ARDH_DB_PORT (postgresql.conf keeps the one the cluster was created with).
    # A replica's slot (scripts/replica.sh) keeps WAL for it while it is away, up to SLOT_KEEP: beyond that the
    # slot is lost and the replica is made again, rather than the disk filling up.
    archive="$root/scripts/archive-wal.sh $BACKUP %p %f"
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" \
      -o "-p $PORT -c archive_mode=on -c \"archive_command=$archive\" -c max_slot_wal_keep_size=$SLOT_KEEP" \
      -w -t 60 start >/dev/null \
      || { echo "error: PostgreSQL did not start on port $PORT; see $LOG" >&2; tail -20 "$LOG" >&2; exit 1; }
  fi
  running_port=$(sed -n 4p "$DATA/postmaster.pid" 2>/dev/null || true)
  if [ -n "$running_port" ] && [ "$running_port" != "$PORT" ]; then
    echo "error: the cluster in $DATA is running on port $running_port, not ARDH_DB_PORT=$PORT;" \
         "run 'make stop', then start again to move it to $PORT" >&2
    exit 1
  fi
  if ! psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
    psql_ -d postgres -c "CREATE DATABASE $DB"
  fi
  psql_ -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS postgis" 2>&1 | grep -v 'already exists' || true
}

case "${1:-}" in
  start) start ;;
  stop)
    if [ -f "$DATA/PG_VERSION" ] && as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
      as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null && echo "PostgreSQL stopped"
    fi ;;
  status) as_owner "$PGBIN/pg_ctl" -D "$DATA" status ;;
  psql) shift; psql_ -d "$DB" "$@" ;;
  *) echo "usage: $0 start|stop|status|psql" >&2; exit 2 ;;
esac
