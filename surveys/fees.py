"""The survey decision's fee: a rate per square metre of the surveyed plot by the municipality's category (1 to 5,
``Municipality.fee_category``), with a minimum. Lines carry their rule and an explanation in both languages,
so the payments system can take them over as they are (issue 18: fees as data, bills, SADAD)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.translation import gettext as _

# SAR per m² and the minimum, by municipality category (1 = the largest cities).
RATE_PER_M2 = {1: Decimal("1.00"), 2: Decimal("0.80"), 3: Decimal("0.60"), 4: Decimal("0.40"), 5: Decimal("0.20")}
MINIMUM = {1: Decimal("500"), 2: Decimal("400"), 3: Decimal("300"), 4: Decimal("200"), 5: Decimal("100")}
CENTS = Decimal("0.01")


def _both(text_fn) -> tuple[str, str]:
    with translation.override("ar"):
        ar = text_fn()
    with translation.override("en"):
        en = text_fn()
    return ar, en


def survey_fee(*, area_m2: float, category: int) -> dict:
    """{"total", "currency": "SAR", "lines": [{"rule", "quantity", "rate", "amount", "explain_ar", "explain_en"}]}"""
    category = category if category in RATE_PER_M2 else 3
    area = Decimal(str(area_m2)).quantize(CENTS, ROUND_HALF_UP)
    rate = RATE_PER_M2[category]
    by_area = (area * rate).quantize(CENTS, ROUND_HALF_UP)
    args = {"area": area, "rate": rate, "cat": category}
    ar, en = _both(lambda: _("Survey decision: %(area)s m² x SAR %(rate)s (municipality category %(cat)s)") % args)
    lines = [{"rule": f"survey_decision.area.c{category}", "quantity": str(area), "rate": str(rate),
              "amount": str(by_area), "explain_ar": ar, "explain_en": en}]
    if by_area < MINIMUM[category]:
        top_up = MINIMUM[category] - by_area
        ar, en = _both(lambda: _("Up to the minimum fee of SAR %(min)s") % {"min": MINIMUM[category]})
        lines.append({"rule": f"survey_decision.minimum.c{category}", "quantity": "1", "rate": str(top_up),
                      "amount": str(top_up), "explain_ar": ar, "explain_en": en})
    total = sum(Decimal(line["amount"]) for line in lines)
    return {"total": str(total), "currency": "SAR", "lines": lines}
