"""``manage.py make_orthophoto``: ingest a GeoTIFF (``--source``) or paint the demo city's, as a COG."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Municipality
from tiles.ortho import OrthoError, ingest, ortho_path, render_demo


class Command(BaseCommand):
    help = "Write the orthophoto served at /tiles/ortho/ as a web-mercator Cloud-Optimised GeoTIFF."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, help="a georeferenced GeoTIFF to ingest")
        parser.add_argument("--municipality", default="al-rass-demo", help="paint this municipality (no --source)")
        parser.add_argument("--resolution", type=float, default=1.0, help="metres per pixel when painting")
        parser.add_argument("--output", type=Path, default=None, help="default: settings.ARDH_ORTHO_PATH")
        parser.add_argument("--force", action="store_true", help="replace an existing orthophoto")

    def handle(self, *args, source, municipality, resolution, output, force, **options):
        target = output or ortho_path()
        if target.exists() and not force and source is None:
            self.stdout.write(f"{target} exists; nothing to do (--force to repaint).")
            return
        if not 0.1 <= resolution <= 100:
            raise CommandError("--resolution must be between 0.1 and 100 metres per pixel")
        try:
            if source is not None:
                ingest(source, target)
            else:
                muni = Municipality.objects.filter(code=municipality).first()
                if muni is None:
                    raise CommandError(f"no municipality with code {municipality!r}; load the demo city first")
                render_demo(muni, target, metres_per_pixel=resolution)
        except OrthoError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Orthophoto written: {target} ({target.stat().st_size / 1e6:.1f} MB)")
