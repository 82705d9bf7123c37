#!/usr/bin/env bash
# Backups of the project cluster, proven by restoring (docs/operations.md, "Backups"; decision 037).
#   scripts/backup.sh base                    a base backup (pg_basebackup) + the documents; turns archiving on
#   scripts/backup.sh restore TIME [DIR]      a fresh cluster in DIR (default .data/restore) at TIME, on
#                                             ARDH_RESTORE_PORT (5443), with the documents as they were at TIME
#   scripts/backup.sh list                    the base backups and the archived WAL
# Environment: as scripts/pg.sh (ARDH_PG_DATA, ARDH_PG_RUN, ARDH_DB_PORT, ARDH_BACKUP_DIR), ARDH_MEDIA_ROOT,
# ARDH_BACKUP_KEEP (base backups kept, default 3; older ones and the WAL before the oldest kept are removed).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=${ARDH_PGBIN:-$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || dirname "$(command -v pg_ctl)")}
RUN=${ARDH_PG_RUN:-$root/.data/run}
PORT=${ARDH_DB_PORT:-5441}
USER_=${ARDH_DB_USER:-ardh}
BACKUP=${ARDH_BACKUP_DIR:-$root/.data/backup}
MEDIA=${ARDH_MEDIA_ROOT:-$root/.data/media}
KEEP=${ARDH_BACKUP_KEEP:-3}

as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
own() { if [ "$(id -u)" = 0 ]; then chown -R postgres: "$@"; fi; }
psql_() { "$PGBIN/psql" -X -q -At -h "$RUN" -p "$PORT" -U "$USER_" -d postgres "$@"; }
die() { echo "backup: $*" >&2; exit 1; }

base() {
  [ "$(psql_ -c 'SHOW archive_mode')" = on ] \
    || die "the cluster runs without WAL archiving: restart it (make stop; make db), then back up again"
  mkdir -p "$BACKUP/wal" "$BACKUP/base" "$BACKUP/media"
  own "$BACKUP"
  local stamp tmp
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  tmp="$BACKUP/base/.$stamp.part"
  rm -rf "$tmp"
  mkdir -p "$tmp"; own "$tmp"
  local t0=$SECONDS
  # Plain format with the WAL it needs to be consistent; later WAL comes from the archive. Written under a
  # temporary name and renamed only when complete: a failed backup (a full disk) never looks like a backup.
  if ! as_owner "$PGBIN/pg_basebackup" -h "$RUN" -p "$PORT" -U "$USER_" -D "$tmp/pg" -X stream \
        --checkpoint=fast --no-password --label="ardh $stamp" >"$tmp.log" 2>&1; then
    cat "$tmp.log" >&2; rm -rf "$tmp" "$tmp.log"
    die "the base backup failed (nothing kept); see the message above"
  fi
  rm -f "$tmp.log"
  # The documents: write-once files (a new version is a new file), so the archive only ever gains files; each
  # keeps its time, and a restore takes those written before its target.
  if [ -d "$MEDIA" ]; then
    cp -a --no-clobber "$MEDIA/." "$BACKUP/media/" || { rm -rf "$tmp"; die "copying the documents failed"; }
  fi
  date -u +%Y-%m-%dT%H:%M:%SZ >"$tmp/finished_at"
  mv "$tmp" "$BACKUP/base/$stamp"
  psql_ -c "SELECT pg_switch_wal()" >/dev/null  # the backup's end is archived now, not at the next segment
  prune
  echo "base backup $stamp: $(du -sh "$BACKUP/base/$stamp" | cut -f1) in $((SECONDS - t0)) s ($BACKUP/base/$stamp)"
}

prune() {
  local all; mapfile -t all < <(ls -1 "$BACKUP/base" | grep -v '^\.' | sort)
  local n=${#all[@]}
  if [ "$n" -gt "$KEEP" ]; then
    for old in "${all[@]:0:$((n - KEEP))}"; do rm -rf "${BACKUP:?}/base/$old"; done
  fi
  local oldest; oldest=$(ls -1 "$BACKUP/base" | grep -v '^\.' | sort | head -1)
  [ -n "$oldest" ] || return 0
  local start; start=$(sed -n 's/^START WAL LOCATION: .* (file \([0-9A-F]*\))$/\1/p' \
    "$BACKUP/base/$oldest/pg/backup_label" 2>/dev/null || true)
  [ -n "$start" ] && as_owner "$PGBIN/pg_archivecleanup" "$BACKUP/wal" "$start" || true
}

restore() {
  local target="${1:-}" dir="${2:-$root/.data/restore}"
  [ -n "$target" ] || die "say the time to restore to: TARGET_TIME='2026-12-05 10:30:00+03'"
  local when; when=$(date -u -d "$target" +%Y%m%dT%H%M%SZ 2>/dev/null) || die "not a time: $target"
  local chosen=""
  for b in $(ls -1 "$BACKUP/base" 2>/dev/null | grep -v '^\.' | sort); do
    finished=$(date -u -d "$(cat "$BACKUP/base/$b/finished_at")" +%Y%m%dT%H%M%SZ)
    [[ "$finished" < "$when" || "$finished" == "$when" ]] && chosen=$b
  done
  [ -n "$chosen" ] || die "no base backup finished before $target (make backup first)"
  local port=${ARDH_RESTORE_PORT:-5443}
  if [ -f "$dir/pg/postmaster.pid" ]; then as_owner "$PGBIN/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null || true; fi
  rm -rf "$dir"; mkdir -p "$dir/run"
  local t0=$SECONDS
  cp -a "$BACKUP/base/$chosen/pg" "$dir/pg"
  rm -f "$dir/pg/postmaster.pid"
  cat >>"$dir/pg/postgresql.conf" <<CONF
# --- restored by scripts/backup.sh from $chosen to $target ---
port = $port
unix_socket_directories = '$dir/run'
archive_mode = off
restore_command = 'cp $BACKUP/wal/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'promote'
CONF
  touch "$dir/pg/recovery.signal"
  own "$dir"; chmod 700 "$dir/pg"
  as_owner "$PGBIN/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -o "-p $port" -w -t 600 start >/dev/null \
    || { tail -20 "$dir/pg.log" >&2; die "the restored cluster did not start; see $dir/pg.log"; }
  for _ in $(seq 1 600); do
    [ "$("$PGBIN/psql" -X -At -h "$dir/run" -p "$port" -U "$USER_" -d postgres -c 'SELECT pg_is_in_recovery()')" = f ] && break
    sleep 0.2
  done
  # The documents as they were: every file written at or before the target.
  mkdir -p "$dir/media"
  if [ -d "$BACKUP/media" ]; then
    local stampfile; stampfile=$(mktemp); touch -d "$target" "$stampfile"
    (cd "$BACKUP/media" && find . -type f ! -newer "$stampfile" -print0 | xargs -0 -r cp -p --parents -t "$dir/media")
    rm -f "$stampfile"
  fi
  echo "restored to $target from base backup $chosen in $((SECONDS - t0)) s: cluster $dir/pg on port $port" \
       "(socket $dir/run), documents in $dir/media"
}

case "${1:-}" in
  base) base ;;
  restore) shift; restore "$@" ;;
  list) ls -1 "$BACKUP/base" 2>/dev/null; echo "WAL segments archived: $(ls -1 "$BACKUP/wal" 2>/dev/null | wc -l)" ;;
  *) echo "usage: $0 base|restore TIME [DIR]|list" >&2; exit 2 ;;
esac
