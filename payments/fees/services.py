"""Writes of the fee schedules: a line saved (checked, audited), a national line copied as a municipality's
override. National lines are reference data: only superusers change them (the admin; the data migration)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import require_permission
from audit.models import ChangeRecord
from audit.services import change_record
from common.errors import NotPermitted, RegisterError
from payments.models import FeeRule

MANAGE = "payments.manage"
_FIELDS = ("service", "line", "position", "kind", "measure", "category", "rate", "minimum", "maximum", "percent",
           "condition", "explain_ar", "explain_en", "valid_from", "valid_to")


def overlap_message() -> str:
    constraint = next(c for c in FeeRule._meta.constraints if c.name == "payments_feerule_no_overlap")
    return str(constraint.violation_error_message)


def _check_may_write(*, rule: FeeRule, actor) -> None:
    if rule.municipality_id is None:
        if not (actor is None or isinstance(actor, str) or getattr(actor, "is_superuser", False)):
            raise NotPermitted(_("The national fee schedule is reference data: override a line for your "
                                 "municipality instead."), needed=["superuser"])
        return
    require_permission(actor=actor, permission=MANAGE, municipality_id=rule.municipality_id)


@transaction.atomic
def fee_rule_save(*, rule: FeeRule, actor, changes: dict | None = None) -> FeeRule:
    """Save a schedule line: checked (``full_clean``: the kind's rate or percent, placeholders, no overlapping
    validity), a national line by a superuser only, an override by the municipality's finance officers; a
    municipality's line is audited. RegisterError (and nothing saved) when it is refused."""
    _check_may_write(rule=rule, actor=actor)
    created = rule.pk is None
    try:
        rule.full_clean()
    except RegisterError:
        raise
    except ValidationError as exc:  # said in words, field by field: a form shows it as it is
        raise RegisterError(exc.error_dict if hasattr(exc, "error_dict") else exc.error_list) from exc
    try:
        with transaction.atomic():
            if not created:
                rule.version += 1
            rule.save()
    except IntegrityError as exc:  # a line saved by someone else between the check and the write
        raise RegisterError(overlap_message(), code="fee_rule_overlap") from exc
    if rule.municipality_id is not None:
        change_record(instance=rule, action=ChangeRecord.Action.CREATE if created else ChangeRecord.Action.UPDATE,
                      actor=actor, changes=changes or {})
    return rule


@transaction.atomic
def fee_rule_override(*, rule: FeeRule, municipality, actor, valid_from: date | None = None) -> FeeRule:
    """A copy of the national line ``rule`` as ``municipality``'s override, in force from ``valid_from`` (today
    by default, or the national line's first day if later) — to be edited to the municipality's figures."""
    if rule.municipality_id is not None:
        raise RegisterError(_("Only a national line can be overridden; this one is already %(m)s's.")
                            % {"m": rule.municipality}, code="not_national")
    start = max(valid_from or timezone.localdate(), rule.valid_from)
    copy = FeeRule(municipality=municipality, **{f: getattr(rule, f) for f in _FIELDS})
    copy.valid_from = start
    return fee_rule_save(rule=copy, actor=actor, changes={"overrides": [None, rule.code()]})
