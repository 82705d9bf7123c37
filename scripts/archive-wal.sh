#!/usr/bin/env bash
# PostgreSQL's archive_command (scripts/pg.sh): keep a finished WAL segment under <backup dir>/wal.
#   archive-wal.sh <backup dir> <path of the segment> <its file name>
# Until backups are on (<backup dir>/wal exists: the first `make backup` creates it) a segment is let go: there
# is no base backup it could be replayed onto. A segment already archived with the same content is fine (a
# retry after a crash); a different one under the same name is an error PostgreSQL retries and logs.
set -euo pipefail
dir="$1/wal"; src="$2"; name="$3"
[ -d "$dir" ] || exit 0
if [ -f "$dir/$name" ]; then
  cmp -s "$src" "$dir/$name" && exit 0
  echo "archive-wal: $dir/$name exists with other content" >&2
  exit 1
fi
cp "$src" "$dir/$name.part"
sync "$dir/$name.part" 2>/dev/null || true
mv "$dir/$name.part" "$dir/$name"
