"""Importing parcels: read, decide the CRS, map fields, stage, check, and (when asked) commit.

One function, one transaction. A dry run rolls back (nothing of it remains); a
commit writes everything or nothing: any error in the report refuses the commit,
and a crash or kill at any point leaves the database as it was.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from audit.models import ChangeRecord
from audit.services import change_record
from imports import apply as writer
from imports import checks, crs_guess, diff, mapping, report, staging
from imports.readers import iter_batches, open_source
from imports.targets import BLOCKS, get_target


@dataclass
class ImportOptions:
    layer: str | None = None
    srid: int | None = None  # the confirmed CRS; required when the file has none
    swap_axes: bool = False
    encoding: str | None = None
    source: str | None = None  # saved field mapping to use (and update)
    fields: dict = field(default_factory=dict)  # {target: source attribute}
    defaults: dict = field(default_factory=dict)  # {target: constant}
    repair: bool = False
    retire_missing: bool = True  # the file is authoritative for the plans it covers
    target: str = "parcels"  # what the features are: "parcels" or "blocks" (imports.targets)

    @classmethod
    def from_dict(cls, data: dict) -> ImportOptions:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def import_parcels(*, path: Path, municipality, options: ImportOptions, actor, commit: bool,
                   progress: Callable[[int], None] | None = None, on_total: Callable[[int], None] | None = None,
                   pause_before_commit: float = 0.0) -> dict:
    """Run the import; return the report. ``commit`` False is a dry run."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ardh-import-") as work:
        src = open_source(Path(path), workdir=Path(work), layer=options.layer, encoding=options.encoding)
        decision = crs_guess.decide(declared=src.declared_srid, bounds=src.bounds, confirm_srid=options.srid,
                                    swap_axes=options.swap_axes)
        target = get_target(options.target)
        fields, consts = mapping.resolve(municipality=municipality, fields=src.fields, source=options.source,
                                         explicit=options.fields, defaults=options.defaults, target=target)
        if on_total:
            on_total(src.feature_count)
        if options.source:
            mapping.mapping_save(municipality=municipality, source=options.source, fields=fields, defaults=consts)
        with transaction.atomic():
            out = _run(src=src, decision=decision, fields=fields, consts=consts, municipality=municipality,
                       target=target, options=options, actor=actor, commit=commit, progress=progress,
                       pause_before_commit=pause_before_commit)
            closing = time.monotonic()
        # Deferred foreign-key checks of every written row run here, at COMMIT.
        out["timings"]["commit"] = round(time.monotonic() - closing, 3)
    out["seconds"] = round(time.monotonic() - started, 2)
    return out


def _tune_session() -> None:
    """Settings for this transaction only (SET LOCAL): JIT compiles a few hundred ms per statement and
    never pays off on PostGIS function calls; sorts, hashes and the staging index get the memory a
    million features need. Durability is untouched: synchronous_commit stays on (one import is one
    commit, so its flush is a single WAL fsync — nothing worth trading a committed import for)."""
    with connection.cursor() as cur:
        cur.execute("SET LOCAL jit = off; SET LOCAL work_mem = '128MB'; SET LOCAL maintenance_work_mem = '256MB'")


def _run(*, src, decision, fields, consts, municipality, target, options, actor, commit, progress,
         pause_before_commit) -> dict:
    timings: dict[str, float] = {}
    clock = [time.monotonic()]

    def lap(name: str) -> None:
        now = time.monotonic()
        timings[name] = round(now - clock[0], 3)
        clock[0] = now

    _tune_session()
    if commit:
        # One import per municipality at a time: two concurrent upserts of the same plans would collide.
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('ardh-import'), %s)", [municipality.pk])
    staging.create_raw_table()
    staged = staging.copy_batches(iter_batches(src), mapping=fields, defaults=consts, srid=decision.srid,
                                  swap_axes=decision.swap_axes, progress=progress)
    lap("read_and_copy")
    metric = checks.metric_srid(municipality)
    checks.build_stage(municipality=municipality, target=target, metric=metric, srid=decision.srid,
                       swap_axes=decision.swap_axes, deed_mapped="deed_number" in fields or "deed_number" in consts,
                       repair=options.repair)
    lap("transform_and_validity")
    checks.check_attributes(target=target)
    lap("attributes")
    checks.check_outside(municipality=municipality, metric=metric)
    lap("outside")
    checks.check_incoming_topology()
    lap("incoming_topology")
    checks.check_existing_overlaps(municipality=municipality, target=target, metric=metric,
                                   retire_missing=options.retire_missing)
    lap("existing_overlaps")
    changes = diff.classify(retire_missing=options.retire_missing and target.retires)
    lap("diff")
    listed, by_code, by_severity = report.issues()
    errors = by_severity.get("error", 0)
    out = {
        "target": target.name,
        "source": src.describe(),
        "crs": decision.describe(),
        "mapping": {"fields": fields, "defaults": consts},
        "features": staged,
        "invalid_features": report.invalid_feature_count(),
        "errors": errors,
        "warnings": by_severity.get("warning", 0),
        "repaired": by_code.get("repaired", 0),
        "issue_counts": by_code,
        "issues": listed,
        "diff": changes,
        "committed": False,
        "timings": timings,
    }
    if commit and errors:
        out["refused"] = _("The import has %(n)d errors; nothing was written.") % {"n": errors}
    if not commit or errors:
        transaction.set_rollback(True)
        return out
    note = _("import of %(name)s") % {"name": src.path.name}
    if target is BLOCKS:
        writer.apply_blocks(municipality=municipality, actor=actor, note=note)
    else:
        writer.apply(municipality=municipality, actor=actor, note=note, lap=lap)
    lap("write")
    change_record(instance=municipality, action=ChangeRecord.Action.IMPORT, actor=actor,
                  changes={"diff": changes}, note=note)
    if pause_before_commit:
        # Test hook: lets a test kill the process while everything is written but not committed.
        print("ARDH-IMPORT-WRITTEN", flush=True, file=sys.stdout)
        time.sleep(pause_before_commit)
    staging.drop_tables()
    out["committed"] = True
    return out
