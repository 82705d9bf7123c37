"""The national fee schedule shipped with Ardh (``national_schedule.csv``, demo figures: docs/fees.md), loaded
by the data migration ``0003_national_fee_schedule`` and by ``national_schedule_sync`` (idempotent: after a
test database was flushed, or when the file changes)."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

SCHEDULE_FILE = Path(__file__).with_name("national_schedule.csv")
_DECIMALS = ("rate", "minimum", "maximum", "percent")


def national_rows(path: Path = SCHEDULE_FILE) -> list[dict]:
    """The file's rows as FeeRule field values (the national rows: no municipality)."""
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for raw in csv.DictReader(fh):
            row = {k: (v or "").strip() for k, v in raw.items()}
            values = {
                "service": row["service"], "line": row["line"], "position": int(row["position"] or 10),
                "kind": row["kind"], "measure": row["measure"],
                "category": int(row["category"]) if row["category"] else None,
                "condition": row["condition"], "explain_ar": row["explain_ar"], "explain_en": row["explain_en"],
                "valid_from": date.fromisoformat(row["valid_from"]),
                "valid_to": date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            }
            values.update({k: Decimal(row[k]) if row[k] else None for k in _DECIMALS})
            rows.append(values)
    return rows


def national_schedule_sync(rule_model=None) -> int:
    """Create or update the national rows of the file (by service, line, category and first day); rows added
    in the admin are left alone. ``rule_model``: the historical model in a migration. Returns the count."""
    if rule_model is None:
        from payments.models import FeeRule as rule_model
    rows = national_rows()
    for values in rows:
        key = {k: values.pop(k) for k in ("service", "line", "category", "valid_from")}
        rule_model.objects.update_or_create(municipality=None, **key, defaults=values)
    return len(rows)


def national_schedule_ensure() -> None:
    """Load the national rows when there are none (a transactional test's database was flushed)."""
    from payments.models import FeeRule

    if not FeeRule.objects.filter(municipality__isnull=True).exists():
        national_schedule_sync()
