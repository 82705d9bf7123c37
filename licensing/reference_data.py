"""Load the national reference data of licensing from ``licensing/reference/*.csv`` (a migration runs it; so can
``manage.py shell`` after editing the files). Rows are matched by code: edits made in the admin to rows the files
do not name are left alone."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent / "reference"


def _rows(name: str) -> list[dict]:
    with (HERE / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def distance_rules(text: str) -> list[dict]:
    """``"school:100 mosque:50"`` → ``[{"from": "school", "min_m": 100}, {"from": "mosque", "min_m": 50}]``."""
    out = []
    for part in (text or "").split():
        kind, metres = part.split(":")
        out.append({"from": kind, "min_m": int(metres)})
    return out


def reference_sync(apps=None) -> int:
    """Upsert penalties, requirements, activities and their checklists (one item per requirement). Returns the
    number of activities."""
    get = (lambda name: apps.get_model("licensing", name)) if apps else _current
    penalty_model, requirement_model = get("Penalty"), get("Requirement")
    activity_model, item_model = get("Activity"), get("ChecklistItem")
    penalties = {}
    for r in _rows("penalties.csv"):
        penalties[r["code"]], _ = penalty_model.objects.update_or_create(code=r["code"], defaults={
            "title_ar": r["title_ar"], "title_en": r["title_en"], "fine_min": Decimal(r["fine_min"]),
            "fine_max": Decimal(r["fine_max"]), "grace_days": int(r["grace_days"]), "closure": r["closure"] == "1"})
    requirements, questions = {}, {}
    for r in _rows("requirements.csv"):
        requirements[r["code"]], _ = requirement_model.objects.update_or_create(
            code=r["code"], defaults={"title_ar": r["title_ar"], "title_en": r["title_en"]})
        questions[r["code"]] = r
    count = 0
    for r in _rows("activities.csv"):
        activity, _ = activity_model.objects.update_or_create(code=r["code"], defaults={
            "name_ar": r["name_ar"], "name_en": r["name_en"], "risk": r["risk"], "immediate": r["immediate"] == "1",
            "allowed_zones": r["zones"].split(), "allowed_streets": r["streets"].split(),
            "distance_rules": distance_rules(r["distance_rules"]), "visit_minutes": int(r["visit_minutes"])})
        codes = r["requirements"].split()
        activity.requirements.set([requirements[c] for c in codes])
        for position, code in enumerate(codes, start=1):
            q = questions[code]
            item_model.objects.update_or_create(activity=activity, code=code, defaults={
                "requirement": requirements[code], "position": position, "question_ar": q["question_ar"],
                "question_en": q["question_en"], "severity": q["severity"], "weight": int(q["weight"]),
                "penalty": penalties.get(q["penalty"]) if q["penalty"] else None})
        count += 1
    return count


def _current(name: str):
    from django.apps import apps as global_apps

    return global_apps.get_model("licensing", name)


def reference_ensure() -> None:
    """Load the reference data when it is missing (a database emptied by a test's flush, say)."""
    from licensing.models import Activity

    if not Activity.objects.exists():
        reference_sync()
