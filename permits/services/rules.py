"""Writes of building rule sets (docs/building-rules.md): a new version starts as a draft (the what-if reads
it; no permit does), is adopted from a day — the version in force then ends the day before — and is refused
when its figures contradict each other. Audited."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import ChangeRecord
from audit.services import change_record
from common.errors import RegisterError
from permits.check.contract import contradictions
from permits.models import RuleSet, RuleSetStatus

COPIED = ("coverage_ground_pct", "coverage_upper_pct", "coverage_annex_pct", "max_floors", "max_height_m", "far",
          "front_setback_m", "front_setback_street_fraction", "front_setback_max_m", "side_setback_m",
          "rear_setback_m", "corner_secondary_front", "min_frontage_m", "parking_plot_threshold_m2",
          "parking_small_plot", "parking_large_plot", "parking_per_unit", "parking_per_100m2", "allowed_uses")


def rule_set_problems(values: dict) -> list[str]:
    """What makes these figures impossible to apply (the check's own test, in the reader's language)."""
    numbers = {k: (float(v) if v is not None and k not in ("corner_secondary_front", "allowed_uses") else v)
               for k, v in values.items() if k in COPIED}
    return [str(p) for p in contradictions(numbers)]


def _refuse_contradictions(rule_set: RuleSet) -> None:
    problems = rule_set_problems({k: getattr(rule_set, k) for k in COPIED})
    if problems:
        raise RegisterError(_("The rule set contradicts itself: %(p)s") % {"p": "; ".join(problems)},
                            code="contradictory_rules")


@transaction.atomic
def rule_set_new_version(*, rule_set: RuleSet, actor, **changes) -> RuleSet:
    """A draft copy of ``rule_set`` as the zoning code's next version, with ``changes``."""
    unknown = set(changes) - set(COPIED) - {"valid_from", "source", "notes"}
    if unknown:
        raise RegisterError(_("These figures are not part of a rule set: %(f)s") % {"f": ", ".join(sorted(unknown))},
                            code="unknown_field")
    last = RuleSet.objects.select_for_update().filter(regulation=rule_set.regulation).order_by("-number").first()
    draft = RuleSet(municipality_id=rule_set.municipality_id, regulation=rule_set.regulation, number=last.number + 1,
                    status=RuleSetStatus.DRAFT, valid_from=changes.pop("valid_from", timezone.localdate()),
                    source=changes.pop("source", ""), notes=changes.pop("notes", ""),
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                    **{k: getattr(rule_set, k) for k in COPIED})
    for name, value in changes.items():
        setattr(draft, name, value)
    _refuse_contradictions(draft)
    draft.save()
    change_record(instance=draft, action=ChangeRecord.Action.CREATE, actor=actor,
                  changes={"from_version": [None, rule_set.number], **{k: [str(getattr(rule_set, k)), str(v)]
                                                                       for k, v in changes.items()}})
    return draft


@transaction.atomic
def rule_set_adopt(*, rule_set: RuleSet, actor, valid_from: date) -> RuleSet:
    """Adopt a draft from ``valid_from``: the adopted version in force then ends the day before. A permit
    already submitted keeps the version of its submission day (permits.selectors_cases.rules_date_of)."""
    draft = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if draft.status != RuleSetStatus.DRAFT:
        raise RegisterError(_("Version %(n)s is already adopted.") % {"n": draft.number}, code="adopted")
    _refuse_contradictions(draft)
    earlier = (RuleSet.objects.select_for_update()
               .filter(regulation=draft.regulation, status=RuleSetStatus.ADOPTED, valid_from__lt=valid_from)
               .exclude(valid_to__lt=valid_from).order_by("-valid_from"))
    for previous in earlier:
        before = previous.valid_to
        previous.valid_to = valid_from - timedelta(days=1)
        previous.version += 1
        previous.save(update_fields=["valid_to", "version", "updated_at"])
        change_record(instance=previous, action=ChangeRecord.Action.UPDATE, actor=actor,
                      changes={"valid_to": [str(before) if before else None, str(previous.valid_to)]},
                      note=f"ended by version {draft.number}")
    draft.status, draft.valid_from = RuleSetStatus.ADOPTED, valid_from
    draft.adopted_by = actor if getattr(actor, "is_authenticated", False) else None
    draft.adopted_at = timezone.now()
    draft.version += 1
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError:
        raise RegisterError(_("Another adopted version of zoning code %(c)s is in force on some of these days: "
                              "end it first, or adopt this one later.") % {"c": draft.regulation.code},
                            code="overlap") from None
    change_record(instance=draft, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"status": ["draft", "adopted"], "valid_from": [None, str(valid_from)]})
    return draft
