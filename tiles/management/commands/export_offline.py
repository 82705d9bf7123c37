"""``manage.py export_offline --district CODE --minzoom 13 --maxzoom 17``: an inspector's offline package."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from parcels.models import District
from tiles.grid import MAX_ZOOM
from tiles.offline import ExportError, export, plan


class Command(BaseCommand):
    help = "Write MBTiles (vector base map + orthophoto) of one district for a zoom range."

    def add_arguments(self, parser):
        parser.add_argument("--district", default=None, help="district code")
        parser.add_argument("--pending", action="store_true",
                            help="build the packages requested through the API that are still queued")
        parser.add_argument("--municipality", default=None, help="municipality code (when codes repeat)")
        parser.add_argument("--minzoom", type=int, default=12)
        parser.add_argument("--maxzoom", type=int, default=17)
        parser.add_argument("--output", type=Path, default=None, help="default: .data/offline/<district>.mbtiles")

    def handle(self, *args, district, municipality, minzoom, maxzoom, output, pending=False, **options):
        if pending:
            from tiles.offline_jobs import run_pending

            self.stdout.write(f"Built {run_pending()} queued package(s).")
            return
        if not district:
            raise CommandError("give --district CODE (or --pending)")
        if not 0 <= minzoom <= maxzoom <= MAX_ZOOM:
            raise CommandError(f"need 0 <= --minzoom <= --maxzoom <= {MAX_ZOOM}, got {minzoom} and {maxzoom}")
        found = District.objects.filter(code=district)
        if municipality:
            found = found.filter(municipality__code=municipality)
        found = list(found[:2])
        if not found:
            raise CommandError(f"no district with code {district!r}")
        if len(found) > 1:
            raise CommandError(f"district code {district!r} exists in several municipalities: add --municipality")
        d = found[0]
        target = output or Path(settings.BASE_DIR) / ".data" / "offline" / f"{d.code}.mbtiles"
        try:
            total = len(plan(d.geom.extent, minzoom, maxzoom))
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          disable=options["verbosity"] == 0) as bar:
                task = bar.add_task(f"District {d.code}, z{minzoom}-{maxzoom}", total=total)
                package = export(name=f"{d.name_ar} / {d.name_en}", bbox=d.geom.extent, minzoom=minzoom,
                                 maxzoom=maxzoom, target=target, progress=lambda n: bar.advance(task, n))
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Vector tiles: {package.vector}")
        self.stdout.write(f"Orthophoto:   {package.ortho or '(none: run make_orthophoto first)'}")
        self.stdout.write(f"{package.tiles:,} tiles, {package.bytes / 1e6:.1f} MB")
