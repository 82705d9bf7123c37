"""A fine from the penalties table (لائحة الجزاءات), as a bill line (docs/inspections.md):

- the range is scaled by the municipality's category: category 1 (the largest cities) pays the maximum, category 5
  the minimum, the others evenly between;
- then by the establishment's size: micro 25 %, small 50 %, medium 75 %, large 100 %;
- doubled when the same penalty was already found at the premises within ``REPEAT_DAYS``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from common.bilingual import in_both, in_language
from licensing.models import Penalty
from payments.lines import FeeLine

SIZE_PERCENT = {"micro": 25, "small": 50, "medium": 75, "large": 100}
REPEAT_DAYS = 365
SERVICE = "inspection_fine"


def fine_amount(*, penalty: Penalty, category: int, size_class: str, repeat: bool) -> Decimal:
    span = Decimal(penalty.fine_max) - Decimal(penalty.fine_min)
    base = Decimal(penalty.fine_max) - span * Decimal(category - 1) / 4
    amount = base * SIZE_PERCENT[size_class] / 100 * (2 if repeat else 1)
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP).quantize(Decimal("0.01"))


def fine_line(*, penalty: Penalty, category: int, size_class: str, repeat: bool) -> FeeLine:
    amount = fine_amount(penalty=penalty, category=category, size_class=size_class, repeat=repeat)
    figures = {"code": penalty.code, "min": penalty.fine_min, "max": penalty.fine_max, "cat": category,
               "size": SIZE_PERCENT[size_class], "amount": amount}
    ar, en = in_both(lambda: (_("%(title)s (penalty %(code)s, SAR %(min)s to %(max)s; municipality category %(cat)s, "
                                "establishment size %(size)s %%)") + (" " + _("doubled: repeated") if repeat else ""))
                     % {**figures, "title": in_language(penalty.title_ar, penalty.title_en)})
    return FeeLine(kind="fine", rule=f"{SERVICE}.{penalty.code}@c{category}/{size_class}{'/repeat' if repeat else ''}",
                   quantity=Decimal("1"), rate=amount, amount=amount, explain_ar=ar[:500], explain_en=en[:500])

