"""manage.py export_layer LAYER --format gpkg|shp|geojson|dxf|csv --srid N --out PATH [--municipality CODE]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Municipality
from geo.layers import UnknownLayer, all_layers
from imports.errors import ImportRefused
from imports.export import FORMATS, export_layer


class Command(BaseCommand):
    help = "Export a registered map layer to a file in a chosen CRS."

    def add_arguments(self, parser):
        parser.add_argument("layer")
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("--srid", type=int, default=4326)
        parser.add_argument("--out", required=True)
        parser.add_argument("--municipality", help="municipality code (default: all)")

    def handle(self, *args, **o):
        muni = None
        if o["municipality"]:
            muni = Municipality.objects.filter(code=o["municipality"]).first()
            if muni is None:
                raise CommandError(f"No municipality with code {o['municipality']!r}.")
        try:
            path, n = export_layer(layer_name=o["layer"], fmt=o["format"], srid=o["srid"], out=Path(o["out"]),
                                   municipality=muni)
        except UnknownLayer:
            names = ", ".join(sorted(layer.name for layer in all_layers()))
            raise CommandError(f"No layer {o['layer']!r}; layers: {names}") from None
        except ImportRefused as exc:
            raise CommandError(f"[{exc.code}] {exc.messages[0]}") from None
        self.stdout.write(f"{n} features written to {path}")
