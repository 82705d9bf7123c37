"""The HTTP server, in one place: ``python -m runtime.serve`` runs Granian with Ardh's WSGI application.

Used by ``make demo``, the Docker image and every benchmark (bench/servers.py), so the figures are those of
what the demo serves. Granian parses HTTP and holds keep-alive connections in Rust; only the application
call runs in Python, on a pool of blocking threads per worker process. On the two-core reference machine it
moved the uncached z17 tile from about 0.6x to 0.75-1.0x of the raw SQL floor where gunicorn's gthread
workers (HTTP parsing in Python) could not (docs/decisions/009-http-server.md).

    python -m runtime.serve --host 127.0.0.1 --port 8000 [--access-log]

ARDH_WORKERS (processes, default 3) and ARDH_THREADS (application threads per process, default 2) size it;
on a bigger host, about one process per core.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path

APPLICATION = "config.wsgi:application"


def command(*, host: str, port: int, access_log: bool = False, application: str = APPLICATION,
            environ: Mapping[str, str] = os.environ) -> list[str]:
    """The granian command line (an argument list, never a shell string), sized by ``environ``.
    ``application``: another WSGI application on the same server, for the benchmarks' reference peer
    (bench/bare_server.py)."""
    granian = Path(sys.executable).with_name("granian")
    argv = [
        str(granian), "--interface", "wsgi", "--host", host, "--port", str(port),
        "--workers", environ.get("ARDH_WORKERS", "3"),
        "--blocking-threads", environ.get("ARDH_THREADS", "2"),
        "--no-ws",  # WSGI has no websockets; do not advertise them
        "--respawn-failed-workers",
        "--log-level", environ.get("ARDH_SERVER_LOG_LEVEL", "warning"),
    ]
    if access_log:
        argv.append("--access-log")
    return [*argv, application]


def main(args: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m runtime.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--access-log", action="store_true", help="log every request to standard output")
    parser.add_argument("--application", default=APPLICATION,
                        help="the WSGI application (default: Ardh's; tiles.mapproxy_wsgi:application for MapProxy)")
    options = parser.parse_args(args)
    argv = command(host=options.host, port=options.port, access_log=options.access_log,
                   application=options.application)
    os.execv(argv[0], argv)  # noqa: S606 - a fixed program with arguments built above


if __name__ == "__main__":
    main()
