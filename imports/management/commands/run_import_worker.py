"""manage.py run_import_worker [--once] — run queued import jobs (dry runs and commits)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from imports.jobs import run_pending


class Command(BaseCommand):
    help = "Run queued import jobs; with --once, run what is waiting and exit."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between polls")

    def handle(self, *args, **o):
        while True:
            if not connection.in_atomic_block:
                close_old_connections()  # a long-lived worker must not keep a broken connection
            n = run_pending()
            if n:
                self.stdout.write(f"{n} import job(s) done")
            if o["once"]:
                return
            time.sleep(o["interval"])
