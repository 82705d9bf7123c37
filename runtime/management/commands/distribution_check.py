"""``manage.py distribution_check``: every table and whether it is ready to be distributed by municipality
(runtime/distribution.py); exits 1 on an unclassified table or lost readiness. Run by ``make test``."""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from runtime.distribution import readiness, verdict


class Command(BaseCommand):
    help = "List every table and whether it is ready to be distributed by municipality (Citus)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Only the summary and the failures.")

    def handle(self, *args, quiet=False, **options):
        tables = readiness()
        if not quiet:
            for t in sorted(tables, key=lambda t: (t.kind, t.name)):
                state = "ready" if t.ready else "NOT ready"
                detail = t.why or "; ".join(t.problems[:3]) + (" …" if len(t.problems) > 3 else "")
                self.stdout.write(f"{t.kind:<13} {state:<10} {t.name:<40} {detail}")
        counts = Counter((t.kind, t.ready) for t in tables)
        self.stdout.write("distribution readiness: " + ", ".join(
            f"{kind} {'ready' if ready else 'not ready'}: {n}" for (kind, ready), n in sorted(counts.items())))
        failures = verdict(tables)
        if failures:
            raise CommandError("\n".join(failures))
