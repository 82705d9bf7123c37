"""Fee schedule fixtures: the national schedule present (a transactional test may have flushed it), a rule
maker for a test's own service, and a municipality per category."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from payments.fees.national import national_schedule_ensure
from payments.models import FeeRule
from tests.factories import MunicipalityFactory

DAY = date(2026, 12, 4)


@pytest.fixture(autouse=True)
def national(db):
    national_schedule_ensure()


@pytest.fixture
def category():
    """A municipality of category ``n`` (made on demand)."""
    return lambda n: MunicipalityFactory(fee_category=n)


def rule(service="test_service", line="area", *, municipality=None, kind="fee", measure="parcel_area",
         category=None, rate="1.00", percent=None, minimum=None, maximum=None, condition="",
         valid_from=date(2026, 1, 1), valid_to=None, position=10, save=True, **extra) -> FeeRule:
    row = FeeRule(municipality=municipality, service=service, line=line, kind=kind, measure=measure,
                  category=category, rate=None if rate is None else Decimal(rate),
                  percent=None if percent is None else Decimal(percent),
                  minimum=None if minimum is None else Decimal(minimum),
                  maximum=None if maximum is None else Decimal(maximum), condition=condition,
                  explain_ar=extra.pop("explain_ar", "{quantity} م² بسعر {rate} = {amount} ريال"),
                  explain_en=extra.pop("explain_en", "{quantity} x SAR {rate} = SAR {amount}"),
                  valid_from=valid_from, valid_to=valid_to, position=position, **extra)
    if save:
        row.save()
    return row
