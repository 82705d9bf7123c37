#!/usr/bin/env bash
# The SADAD simulator (sadad_sim/, docs/sadad-simulator.md) beside the demo: state, pid file and log under
# .data/sadad, on 127.0.0.1:$ARDH_SADAD_PORT. It plays the bank's side: Ardh uploads bills to it, people pay at
# http://127.0.0.1:$ARDH_SADAD_PORT/bank/, and it notifies Ardh's endpoint ($ARDH_SADAD_NOTIFY_URL).
#   scripts/sadad.sh start    start (idempotent); waits until /health answers
#   scripts/sadad.sh stop
#   scripts/sadad.sh status
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
DATA="$root/.data/sadad"
PIDFILE="$DATA/sim.pid"
LOG="$DATA/sim.log"
HOST_=${ARDH_SADAD_HOST:-127.0.0.1}
PORT=${ARDH_SADAD_PORT:-8766}
SECRET=${ARDH_SADAD_SECRET:-whsec_YXJkaC1kZW1vLXNhZGFkLXNlY3JldC1ub3QtZm9yLXByb2R1Y3Rpb24=}
BILLER=${ARDH_SADAD_BILLER_CODE:-091}
NOTIFY=${ARDH_SADAD_NOTIFY_URL:-http://127.0.0.1:8000/api/v1/payments/sadad/notifications}
PY=$root/.venv/bin/python
[ -x "$PY" ] || PY=$(command -v python3)

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

healthy() {
  "$PY" - "$HOST_" "$PORT" <<'PY'
import sys, urllib.request
try:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    direct.open(f"http://{sys.argv[1]}:{sys.argv[2]}/health", timeout=1).read()
except Exception:
    sys.exit(1)
PY
}

start() {
  mkdir -p "$DATA"
  if running; then
    echo "SADAD simulator already running (pid $(cat "$PIDFILE")) on http://$HOST_:$PORT/bank/"
    return 0
  fi
  cd "$root"
  # Secret through the environment, not the command line (ps shows arguments).
  ARDH_SADAD_SECRET="$SECRET" nohup "$PY" -m sadad_sim --host "$HOST_" --port "$PORT" --data "$DATA" \
      --biller "$BILLER" --notify-url "$NOTIFY" --pid-file "$PIDFILE" >>"$LOG" 2>&1 </dev/null &
  pid=$!
  for _ in $(seq 1 100); do
    if healthy; then
      echo "SADAD simulator on http://$HOST_:$PORT/bank/ (pid $pid; log $LOG)"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "error: the SADAD simulator did not start on port $PORT; see $LOG" >&2
  tail -20 "$LOG" >&2
  exit 1
}

stop() {
  if running; then
    pid=$(cat "$PIDFILE")
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
    rm -f "$PIDFILE"
    echo "SADAD simulator stopped"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if running; then echo "SADAD simulator running (pid $(cat "$PIDFILE")) on http://$HOST_:$PORT/"
    else echo "SADAD simulator not running"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
