"""Overlapping validity of the same line (same municipality or both national, service, line, category) is
refused by the database's exclusion constraint, by the model's checks and by the service — never half-written."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from common.errors import RegisterError
from payments.fees.services import fee_rule_save
from payments.models import FeeRule
from tests.factories import MunicipalityFactory
from tests.payments.fees.conftest import rule

JAN, JUN, JUL = date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 1)


def refused_by_the_database(**kwargs):
    before = FeeRule.objects.count()
    with pytest.raises(IntegrityError, match="payments_feerule_no_overlap"), transaction.atomic():
        rule(**kwargs)
    assert FeeRule.objects.count() == before


def test_national_lines_overlapping_are_refused_by_the_database():
    rule(valid_from=JAN)  # open-ended
    refused_by_the_database(valid_from=JUL)  # both national: NULL municipalities still collide
    refused_by_the_database(valid_from=date(2025, 1, 1), valid_to=JAN)  # the last day is the other's first


def test_an_overrides_periods_may_not_overlap_but_may_follow_each_other():
    town = MunicipalityFactory()
    rule(municipality=town, valid_from=JAN, valid_to=JUN)
    refused_by_the_database(municipality=town, valid_from=date(2026, 6, 1), valid_to=date(2026, 8, 1))
    rule(municipality=town, valid_from=JUL)  # the day after: fine
    rule(municipality=MunicipalityFactory(), valid_from=JAN)  # another municipality: its own line
    rule(valid_from=JAN)  # the national line beside the overrides
    rule(valid_from=JAN, category=3)  # a category's line beside the line for every category
    refused_by_the_database(valid_from=JUL, category=3)
    assert FeeRule.objects.filter(service="test_service").count() == 5


def test_the_model_check_and_the_service_say_why_in_words():
    town = MunicipalityFactory()
    rule(municipality=town, valid_from=JAN)
    again = rule(municipality=town, valid_from=JUL, save=False)
    with pytest.raises(ValidationError) as checked:
        again.full_clean()
    assert "already in force on some of these days" in str(checked.value)
    with pytest.raises(RegisterError, match="already in force"):
        fee_rule_save(rule=again, actor="test")
    assert again.pk is None and FeeRule.objects.filter(municipality=town).count() == 1


def test_a_line_with_the_wrong_figures_for_its_kind_is_refused():
    with pytest.raises(ValidationError) as bad:
        rule(kind="surcharge", rate="2.00", save=False).full_clean()
    assert {"rate", "percent"} <= set(bad.value.message_dict)
    with pytest.raises(IntegrityError), transaction.atomic():
        rule(kind="surcharge", rate="2.00")  # the database refuses it too
    with pytest.raises(ValidationError) as placeholder:
        rule(explain_en="{quantity} x {price}", save=False).full_clean()
    assert "price" in str(placeholder.value.message_dict["explain_en"])
    with pytest.raises(ValidationError, match="counted"):
        rule(kind="fine", measure="floor_area", save=False).full_clean()
    with pytest.raises(ValidationError, match="before the first"):
        rule(valid_from=JUL, valid_to=JUN, save=False).full_clean()
