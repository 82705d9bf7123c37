#!/usr/bin/env bash
# A streaming-replication hot standby of the project cluster (scripts/pg.sh), under .data/replica on its own port.
#   scripts/replica.sh start    create it the first time (pg_basebackup -R from the primary), start it
#   scripts/replica.sh stop | status | lag
# Environment: the primary as scripts/pg.sh reads it (ARDH_PG_RUN, ARDH_DB_PORT); ARDH_REPLICA_DATA,
# ARDH_REPLICA_RUN, ARDH_REPLICA_PORT (default 5442), ARDH_REPLICA_LOG.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=${ARDH_PGBIN:-$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || dirname "$(command -v pg_ctl)")}
PRIMARY_RUN=${ARDH_PG_RUN:-$root/.data/run}
PRIMARY_PORT=${ARDH_DB_PORT:-5441}
DATA=${ARDH_REPLICA_DATA:-$root/.data/replica}
RUN=${ARDH_REPLICA_RUN:-$root/.data/replica-run}
PORT=${ARDH_REPLICA_PORT:-5442}
LOG=${ARDH_REPLICA_LOG:-$root/.data/replica.log}
USER_=${ARDH_DB_USER:-ardh}

as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

SLOT=${ARDH_REPLICA_SLOT:-ardh_replica}

primary_sql() { "$PGBIN/psql" -X -At -h "$PRIMARY_RUN" -p "$PRIMARY_PORT" -U "$USER_" -d postgres -c "$1"; }

# The replica streams through a physical replication slot on the primary, which keeps the WAL it has not yet
# received while it is stopped (up to max_slot_wal_keep_size, scripts/pg.sh). A replica without its slot (made
# before slots, or whose slot was dropped) or whose slot lost WAL can never catch up: it is made again.
usable() {
  local state
  state=$(primary_sql "SELECT coalesce((SELECT wal_status FROM pg_replication_slots WHERE slot_name = '$SLOT'), 'none')")
  [ "$state" != none ] && [ "$state" != lost ] && grep -q "primary_slot_name" "$DATA/postgresql.auto.conf"
}

discard() {
  echo "The replica in $DATA cannot catch up with the primary (no slot, or WAL it needed is gone): making it again"
  as_owner "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$DATA"
}

init() {
  if [ -f "$DATA/PG_VERSION" ]; then
    usable && return 0
    discard
  fi
  mkdir -p "$DATA" "$RUN"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$DATA" "$RUN"; chmod 700 "$DATA"; fi
  echo "Creating the replica in $DATA from the primary on port $PRIMARY_PORT (pg_basebackup, slot $SLOT)"
  primary_sql "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$SLOT'" \
      >/dev/null
  as_owner "$PGBIN/pg_basebackup" -h "$PRIMARY_RUN" -p "$PRIMARY_PORT" -U "$USER_" -D "$DATA" -X stream -R \
      -C -S "$SLOT" --checkpoint=fast --no-password
  cat >>"$DATA/postgresql.conf" <<CONF
# --- Ardh read replica (scripts/replica.sh) ---
port = $PORT
unix_socket_directories = '$RUN'
hot_standby = on
hot_standby_feedback = on
archive_mode = off
CONF
}

start() {
  init
  if ! as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    touch "$LOG"; [ "$(id -u)" = 0 ] && chown postgres: "$LOG"
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -o "-p $PORT" -w -t 120 start >/dev/null \
      || { echo "error: the replica did not start on port $PORT; see $LOG" >&2; tail -20 "$LOG" >&2; exit 1; }
  fi
}

case "${1:-}" in
  start) start ;;
  stop)
    if [ -f "$DATA/PG_VERSION" ] && as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
      as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null && echo "replica stopped"
    fi ;;
  status) as_owner "$PGBIN/pg_ctl" -D "$DATA" status ;;
  lag) "$PGBIN/psql" -X -At -h "$RUN" -p "$PORT" -U "$USER_" -d postgres -c \
         "SELECT coalesce((SELECT status FROM pg_stat_wal_receiver), 'no receiver'),
                 pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(),
                 now() - pg_last_xact_replay_timestamp()" ;;
  *) echo "usage: $0 start|stop|status|lag" >&2; exit 2 ;;
esac
