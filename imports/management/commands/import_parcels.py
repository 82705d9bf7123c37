"""manage.py import_parcels FILE --municipality CODE [--srid N] [--commit] ...

Without --commit it is a dry run: the report is printed and nothing is written.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from accounts.models import Municipality
from imports.errors import ImportRefused
from imports.services import ImportOptions, import_parcels
from imports.targets import TARGETS


def _pairs(values: list[str], what: str) -> dict:
    out = {}
    for v in values or []:
        if "=" not in v:
            raise CommandError(f"{what} must be TARGET=VALUE, got {v!r}")
        k, val = v.split("=", 1)
        out[k.strip()] = val.strip()
    return out


class Command(BaseCommand):
    help = "Check (dry run) or import parcels or blocks from a zipped Shapefile, GeoPackage, GeoJSON, DXF or CSV."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--municipality", required=True, help="municipality code")
        parser.add_argument("--layer")
        parser.add_argument("--target", default="parcels", choices=sorted(TARGETS),
                            help="what the features are (default: parcels)")
        parser.add_argument("--srid", type=int, help="confirm the CRS (EPSG code from geo/crs.py)")
        parser.add_argument("--swap-axes", action="store_true", help="confirm that lat/lon are in the wrong order")
        parser.add_argument("--encoding", help="attribute encoding, e.g. CP1256 (detected when omitted)")
        parser.add_argument("--source", help="name of the saved field mapping to use and update")
        parser.add_argument("--map", action="append", metavar="TARGET=ATTRIBUTE", help="e.g. number=PARCEL_NO")
        parser.add_argument("--default", action="append", metavar="TARGET=VALUE", help="e.g. plan_number=2104")
        parser.add_argument("--repair", action="store_true", help="repair invalid geometries with ST_MakeValid")
        parser.add_argument("--keep-missing", action="store_true",
                            help="do not retire current parcels of the file's plans that the file lacks")
        parser.add_argument("--commit", action="store_true", help="write the import (default: dry run)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--pause-before-commit", type=float, default=0.0, help="(tests) seconds to wait")

    def handle(self, *args, **o):
        console = Console(file=self.stdout, highlight=False, width=120)
        try:
            muni = Municipality.objects.get(code=o["municipality"])
        except Municipality.DoesNotExist:
            raise CommandError(f"No municipality with code {o['municipality']!r}.") from None
        options = ImportOptions(
            layer=o["layer"], srid=o["srid"], swap_axes=o["swap_axes"], encoding=o["encoding"], source=o["source"],
            fields=_pairs(o["map"], "--map"), defaults=_pairs(o["default"], "--default"), repair=o["repair"],
            retire_missing=not o["keep_missing"], target=o["target"],
        )
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=Console(stderr=True), transient=True, disable=o["json"]) as bar:
            task = bar.add_task("reading", total=None)
            try:
                report = import_parcels(
                    path=Path(o["path"]), municipality=muni, options=options, actor="import_parcels",
                    commit=o["commit"], progress=lambda n: bar.advance(task, n),
                    on_total=lambda n: bar.update(task, total=n), pause_before_commit=o["pause_before_commit"],
                )
            except ImportRefused as exc:
                detail = ""
                for c in exc.details.get("candidates", []):
                    detail += f"\n  --srid {c['srid']}   {c['name']}"
                if exc.details.get("layers"):
                    detail += "\n  --layer " + "\n  --layer ".join(exc.details["layers"])
                raise CommandError(f"[{exc.code}] {exc.messages[0]}{detail}") from None
            except DatabaseError as exc:  # e.g. a concurrent edit; the transaction rolled back
                raise CommandError(f"[database] nothing was written: {exc}") from None
        if o["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=1, default=str))
        else:
            print_report(console, report)
        if o["commit"] and not report["committed"]:
            raise CommandError(report.get("refused", "not committed"))


def print_report(console: Console, report: dict) -> None:
    src, crs, d = report["source"], report["crs"], report["diff"]
    console.print(f"[bold]{src['format']}[/] layer {src['layer']}: {report['features']} features, "
                  f"CRS EPSG:{crs['srid']} {crs['name']} ({crs['source']})"
                  + (", axes swapped" if crs["swap_axes"] else "")
                  + (f", encoding {src['encoding']}" if src["encoding"] else ""))
    for note in src["notes"]:
        console.print(f"  note: {note}")
    console.print(f"invalid features: {report['invalid_features']}, errors: {report['errors']}, "
                  f"warnings: {report['warnings']}, repaired: {report['repaired']}")
    if report["issue_counts"]:
        t = Table("issue", "count")
        for code, n in report["issue_counts"].items():
            t.add_row(code, str(n))
        console.print(t)
    for i in report["issues"][:50]:
        where = f" at {i['location'][0]}, {i['location'][1]}" if "location" in i else ""
        console.print(f"  #{i['feature']} {i['plan_number']}/{i['number']} {i['severity']}: {i['message']}{where}")
    if len(report["issues"]) > 50:
        console.print(f"  … {sum(report['issue_counts'].values()) - 50} more")
    console.print(f"diff: {d['new']} new, {d['changed']} changed ({d['changed_geometry']} geometry, "
                  f"{d['changed_attributes']} attributes), {d['unchanged']} unchanged, {d['retire']} to retire")
    console.print("[green]committed[/]" if report["committed"] else "dry run: nothing written"
                  if "refused" not in report else f"[red]{report['refused']}[/]")
    console.print(f"{report['seconds']} s")
