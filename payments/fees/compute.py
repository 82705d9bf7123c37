"""A fee computed from the schedule into lines, each with its rule and an explanation in Arabic and English.

The order: the fee lines (quantity x rate, a fixed line: the rate; capped at its maximum, topped up to its
minimum by a ``minimum`` line), the fines named in the measures, then surcharges and exemptions as a percent of
the fee lines (the base: fee, minimum and rent lines, never fines; an exemption is negative). Every amount is
exact to the halala, half up (``payments.lines.sar``); the total is the sum of the lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from common.bilingual import in_both
from common.errors import RegisterError
from payments.fees.selectors import rules_in_force
from payments.lines import FeeLine, sar, total_of
from payments.models import FeeRule, LineKind, Measure
from payments.models.fees import PERCENT_KINDS

CENT = Decimal("0.01")
ONE = Decimal("1")
BASE_KINDS = (LineKind.FEE, LineKind.MINIMUM, LineKind.RENT)


@dataclass(frozen=True)
class FeeResult:
    service: str
    on: date
    lines: list[FeeLine] = field(default_factory=list)
    total: Decimal = Decimal("0.00")
    currency: str = "SAR"

    def as_dict(self) -> dict:
        """What a case keeps (e.g. ``Survey.fee``): {"total", "currency", "lines": [{"kind", "rule",
        "quantity", "rate", "amount", "explain_ar", "explain_en"}], "service", "on"}."""
        return {"total": f"{self.total:.2f}", "currency": self.currency,
                "lines": [line.as_dict() for line in self.lines], "service": self.service, "on": self.on.isoformat()}


_both = in_both


def _tidy(value: Decimal | None) -> Decimal | None:
    """A figure as people write it: two decimals when it has no more (1.0000 -> 1.00), else as it is."""
    if value is None:
        return None
    value = Decimal(value)
    return value.quantize(CENT) if value == value.quantize(CENT) else value.normalize()


def _plain(value: Decimal) -> str:
    """A percent without trailing zeros: 25.00 -> 25, 12.50 -> 12.5."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _quantity(rule: FeeRule, measures: dict, *, key: str) -> Decimal:
    if rule.measure == Measure.FIXED:
        return ONE
    if key not in measures or measures[key] in (None, ""):
        label = dict(Measure.choices).get(rule.measure, rule.measure)
        raise RegisterError(
            _("The fee %(service)s.%(line)s needs the measure %(key)s (%(label)s).")
            % {"service": rule.service, "line": rule.line, "key": key, "label": label}, code="missing_measure")
    try:
        value = Decimal(str(measures[key]))
    except (InvalidOperation, ValueError, TypeError):
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise RegisterError(_("The measure %(key)s must be a number of zero or more, not %(value)s.")
                            % {"key": key, "value": str(measures[key])[:40]}, code="bad_measure")
    if rule.measure == Measure.COUNT:
        if value != value.to_integral_value():
            raise RegisterError(_("The measure %(key)s is a count: a whole number, not %(value)s.")
                                % {"key": key, "value": value}, code="bad_measure")
        return value.quantize(ONE)
    return value.quantize(CENT)  # areas and lengths to the hundredth, half up, as the old survey fee did


def _render(template: str, figures: dict) -> str:
    return template.format_map({k: ("" if v is None else v) for k, v in figures.items()})


def _line(rule: FeeRule, *, kind: str, quantity: Decimal, rate: Decimal, amount: Decimal, figures: dict,
          suffix: str = "", extra: tuple[str, str] = ("", "")) -> FeeLine:
    return FeeLine(kind=kind, rule=rule.code() + suffix, quantity=quantity, rate=_tidy(rate), amount=amount,
                   explain_ar=(_render(rule.explain_ar, figures) + extra[0])[:500],
                   explain_en=(_render(rule.explain_en, figures) + extra[1])[:500])


def _rate_lines(rule: FeeRule, measures: dict, category: int) -> list[FeeLine]:
    key = rule.line if rule.kind == LineKind.FINE else rule.measure
    quantity = _quantity(rule, measures, key=key)
    rate = Decimal(rule.rate)
    amount = sar(quantity * rate)
    figures = {"quantity": _tidy(quantity) if rule.measure != Measure.COUNT else quantity, "rate": _tidy(rate),
               "category": category, "minimum": _tidy(rule.minimum), "maximum": _tidy(rule.maximum),
               "unit": rule.get_measure_display(), "percent": None, "base": None}
    extra = ("", "")
    if rule.maximum is not None and amount > rule.maximum:
        cap = sar(rule.maximum)
        extra = _both(lambda: " " + _("(%(amount)s, capped at the maximum of SAR %(max)s)")
                      % {"amount": amount, "max": cap})
        amount = cap
    figures["amount"] = amount
    lines = [_line(rule, kind=rule.kind, quantity=quantity, rate=rate, amount=amount, figures=figures, extra=extra)]
    if rule.minimum is not None and amount < rule.minimum:
        top_up = sar(rule.minimum) - amount
        ar, en = _both(lambda: _("Up to the minimum fee of SAR %(min)s") % {"min": sar(rule.minimum)})
        lines.append(FeeLine(kind=LineKind.MINIMUM, rule=rule.code() + ".minimum", quantity=ONE, rate=top_up,
                             amount=top_up, explain_ar=ar, explain_en=en))
    return lines


def _percent_line(rule: FeeRule, base: Decimal, category: int) -> FeeLine:
    percent = Decimal(rule.percent)
    amount = sar(base * percent / 100)
    if rule.kind == LineKind.EXEMPTION:
        amount = -amount
    figures = {"quantity": base, "rate": _plain(percent), "percent": _plain(percent), "base": base, "amount": amount,
               "category": category, "minimum": None, "maximum": None, "unit": ""}
    return _line(rule, kind=rule.kind, quantity=base, rate=percent, amount=amount, figures=figures)


def case_fee_lines(*, case, service: str, measures: dict, flags=frozenset()) -> list[FeeLine]:
    """The lines of ``service``'s fee for a case's municipality today (a process's step bills them)."""
    from django.utils import timezone

    from accounts.models import Municipality

    municipality = Municipality.objects.get(pk=case.municipality_id)
    return compute_fee(municipality=municipality, service=service, measures=measures, on=timezone.localdate(),
                       flags=frozenset(flags)).lines


def compute_fee(*, municipality, service: str, measures: dict, on: date,
                flags: frozenset[str] = frozenset()) -> FeeResult:
    """The fee of ``service`` for ``municipality`` on the day ``on``: the lines of its schedule (the
    municipality's overrides, else the national lines, of its ``fee_category``) that apply with these ``flags``
    (a line with a condition applies only when its flag is given; a fine only when ``measures`` counts it by its
    line code). RegisterError when the service has no line in force that day or a line's measure is missing."""
    measures = dict(measures or {})
    flags = frozenset(flags or ())
    category = municipality.fee_category
    rules = rules_in_force(municipality=municipality, service=service, on=on)
    if not rules:
        raise RegisterError(_("No fee schedule for the service %(service)s is in force on %(day)s (municipality "
                              "category %(cat)s).") % {"service": service, "day": on.isoformat(), "cat": category},
                            code="no_fee_rule")
    applicable = [r for r in rules if not r.condition or r.condition in flags]
    lines: list[FeeLine] = []
    for rule in applicable:
        if rule.kind in PERCENT_KINDS:
            continue
        if rule.kind == LineKind.FINE and rule.line not in measures:
            continue
        lines.extend(_rate_lines(rule, measures, category))
    base = sar(sum((line.amount for line in lines if line.kind in BASE_KINDS), Decimal("0")))
    for rule in applicable:
        if rule.kind in PERCENT_KINDS:
            lines.append(_percent_line(rule, base, category))
    if not lines:
        raise RegisterError(_("Nothing to charge for %(service)s with these measures.") % {"service": service},
                            code="no_fee_line")
    return FeeResult(service=service, on=on, lines=lines, total=total_of(lines))
