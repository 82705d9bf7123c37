"""``python -m sadad_sim --port 8766 --data DIR --secret whsec_... --notify-url URL [--biller 091]``."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from .server import Server, Simulator
from .signing import decode_secret
from .state import State

DEFAULTS = {"notify_url": None, "backoff_ms": 1000, "max_attempts": 6, "timeout_s": 5.0}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m sadad_sim", description="The SADAD simulator (docs/sadad-simulator.md)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8766, help="0: any free port (written to DATA/sim.port)")
    p.add_argument("--data", required=True, type=Path, help="the state directory (state.json, recon/, pid file)")
    p.add_argument("--secret", default=os.environ.get("ARDH_SADAD_SECRET"), help="whsec_<base64> (both directions)")
    p.add_argument("--notify-url", help="where payment notifications go (Ardh's endpoint)")
    p.add_argument("--biller", default="091", help="the biller code (3 digits)")
    p.add_argument("--backoff-ms", type=int, help="first retry delay; doubled per attempt (default 1000)")
    p.add_argument("--max-attempts", type=int, help="delivery attempts per notification (default 6)")
    p.add_argument("--timeout", type=float, dest="timeout_s", help="seconds to wait for Ardh's answer (default 5)")
    p.add_argument("--pid-file", type=Path)
    args = p.parse_args(argv)
    if not args.secret:
        p.error("--secret (or ARDH_SADAD_SECRET) is required")
    try:
        decode_secret(args.secret)
    except ValueError as exc:
        p.error(str(exc))
    if not (len(args.biller) == 3 and args.biller.isdigit()):
        p.error("--biller must be 3 digits")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    given = {"notify_url": args.notify_url, "backoff_ms": args.backoff_ms, "max_attempts": args.max_attempts,
             "timeout_s": args.timeout_s}
    given = {k: v for k, v in given.items() if v is not None}  # what is given overrides the kept state
    state = State(args.data, biller=args.biller, config=given)
    for name, value in DEFAULTS.items():
        state.config.setdefault(name, value)
    sim = Simulator(state, secret=args.secret, biller=args.biller)
    server = Server((args.host, args.port), sim)
    port = server.server_address[1]
    pid_file = args.pid_file or args.data / "sim.pid"
    pid_file.write_text(f"{os.getpid()}\n")
    (args.data / "sim.port").write_text(f"{port}\n")

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sim.deliverer.start()
    print(f"SADAD simulator (biller {args.biller}) on http://{args.host}:{port}/  bank page: "
          f"http://{args.host}:{port}/bank/  notify: {state.config.get('notify_url')}", flush=True)
    try:
        server.serve_forever(poll_interval=0.05)
    finally:
        server.server_close()
        sim.deliverer.stop()
        pid_file.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
