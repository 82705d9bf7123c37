"""gunicorn settings: one place for `make demo`, the Docker image and the benchmarks (bench/*.py).

Threaded workers (gthread) keep HTTP connections alive: a web map fetches dozens of tiles per
screen over a few connections, and a sync worker closes each connection after one response.
Three processes of two threads on the two-core reference machine; ARDH_WORKERS / ARDH_THREADS
override (e.g. 2 x cores + 1 workers on a bigger host). See docs/decisions/007-serving-path.md.
"""

import os

workers = int(os.environ.get("ARDH_WORKERS", "3"))
threads = int(os.environ.get("ARDH_THREADS", "2"))
worker_class = "gthread" if threads > 1 else "sync"
keepalive = 5
graceful_timeout = 5
