"""compute_fee over the national schedule and a test service's own lines: per category and measure, minimum,
maximum, surcharges, exemptions, fines, overrides and effective dates, errors, halala exactness."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from common.errors import RegisterError
from payments.fees import compute_fee
from payments.lines import total_of
from tests.payments.fees.conftest import DAY, rule


def fee(municipality, service, measures=None, *, on=DAY, flags=()):
    return compute_fee(municipality=municipality, service=service, measures=measures or {}, on=on,
                       flags=frozenset(flags))


@pytest.mark.parametrize(("cat", "total"), [(1, "300.00"), (2, "240.00"), (3, "180.00"), (4, "120.00"), (5, "60.00")])
def test_a_building_permit_by_floor_area_and_category(category, cat, total):
    result = fee(category(cat), "building_permit", {"floor_area": 100})
    assert f"{result.total:.2f}" == total and [line.kind for line in result.lines] == ["fee"]
    line = result.lines[0]
    assert line.quantity == Decimal("100.00") and line.rule == f"building_permit.area@c{cat}/2025-01-01"
    assert "100.00 m² of floor area" in line.explain_en and f"category {cat}" in line.explain_en
    assert "مسطحات البناء" in line.explain_ar and total in (line.explain_en + f" {line.amount:.2f}")


def test_the_survey_decisions_minimum_tops_up(category):
    result = fee(category(5), "survey_decision", {"parcel_area": 100})
    assert [(line.kind, line.amount) for line in result.lines] == [("fee", Decimal("20.00")),
                                                                    ("minimum", Decimal("80.00"))]
    assert result.total == Decimal("100.00") and "minimum" in result.lines[1].explain_en
    above = fee(category(1), "survey_decision", {"parcel_area": 1000})
    assert [line.kind for line in above.lines] == ["fee"] and above.total == Decimal("1000.00")


def test_a_commercial_licenses_area_is_capped_and_its_fixed_line_added(category):
    result = fee(category(3), "commercial_license", {"floor_area": 3000})
    assert [(line.rule.split("/")[0], line.amount) for line in result.lines] == [
        ("commercial_license.premises@c3", Decimal("12000.00")), ("commercial_license.issue", Decimal("200.00"))]
    assert "capped at the maximum of SAR 12000.00" in result.lines[0].explain_en
    assert result.as_dict()["total"] == "12200.00"


def test_a_late_renewal_is_surcharged_25_percent_only_when_late(category):
    town = category(2)
    on_time = fee(town, "license_renewal", {"floor_area": 50})
    late = fee(town, "license_renewal", {"floor_area": 50}, flags={"late_renewal"})
    assert on_time.total == Decimal("400.00") and len(on_time.lines) == 1
    assert [(line.kind, line.amount) for line in late.lines] == [("fee", Decimal("400.00")),
                                                                  ("surcharge", Decimal("100.00"))]
    assert late.lines[1].explain_en == "Late renewal surcharge: 25% of SAR 400.00" and late.total == Decimal("500.00")


def test_an_exemption_is_a_negative_line_of_the_fee_lines(category):
    result = fee(category(1), "building_permit", {"floor_area": 100, "frontage_length": 20},
                 flags={"exempt_social_security", "with_fence"})
    assert [(line.kind, line.amount) for line in result.lines] == [
        ("fee", Decimal("300.00")), ("fee", Decimal("100.00")), ("exemption", Decimal("-200.00"))]
    assert result.total == Decimal("200.00") and "50% of SAR 400.00" in result.lines[2].explain_en


def test_fines_are_lines_of_the_schedule_counted_by_violation(category):
    result = fee(category(4), "municipal_violation", {"no_license": 2, "unlicensed_signboard": 1})
    assert [(line.kind, line.quantity, line.amount) for line in result.lines] == [
        ("fine", Decimal("2"), Decimal("2000.00")), ("fine", Decimal("1"), Decimal("500.00"))]
    assert result.total == Decimal("2500.00") and "without a license" in result.lines[0].explain_en
    only_one = fee(category(4), "municipal_violation", {"unlicensed_signboard": 3})
    assert [line.rule.split("/")[0] for line in only_one.lines] == ["municipal_violation.unlicensed_signboard"]
    with pytest.raises(RegisterError, match="whole number"):
        fee(category(4), "municipal_violation", {"no_license": 1.5})
    with pytest.raises(RegisterError, match="Nothing to charge"):
        fee(category(4), "municipal_violation", {})


def test_a_missing_measure_is_named_in_both_languages(category):
    town = category(3)
    with pytest.raises(RegisterError) as missing:
        fee(town, "building_permit", {"parcel_area": 100})
    assert missing.value.code == "missing_measure" and "floor_area" in missing.value.message
    assert "floor area" in missing.value.message
    with translation.override("ar"):
        with pytest.raises(RegisterError) as in_arabic:
            fee(town, "building_permit", {})
    assert "floor_area" in in_arabic.value.message and "يحتاج" in in_arabic.value.message
    with pytest.raises(RegisterError, match="frontage_length"):  # the wall's line applies only when asked for
        fee(town, "building_permit", {"floor_area": 10}, flags={"with_fence"})
    with pytest.raises(RegisterError, match="zero or more"):
        fee(town, "building_permit", {"floor_area": "-3"})
    with pytest.raises(RegisterError, match="zero or more"):
        fee(town, "building_permit", {"floor_area": "lots"})


def test_no_rule_for_the_service_that_day(category):
    town = category(3)
    with pytest.raises(RegisterError) as none:
        fee(town, "no_such_service", {"floor_area": 1})
    assert none.value.code == "no_fee_rule" and "no_such_service" in none.value.message
    with pytest.raises(RegisterError, match="2024-12-31"):  # the national schedule starts on 2025-01-01
        fee(town, "building_permit", {"floor_area": 1}, on=date(2024, 12, 31))


def test_an_override_wins_only_in_its_municipality_and_on_its_dates(category):
    mine, theirs = category(3), category(3)
    rule("building_permit", "area", municipality=mine, measure="floor_area", rate="5.00",
         valid_from=date(2026, 7, 1), valid_to=date(2026, 12, 31))
    by_day = {on: fee(mine, "building_permit", {"floor_area": 10}, on=on).total
              for on in (date(2026, 6, 30), date(2026, 7, 1), date(2026, 12, 31), date(2027, 1, 1))}
    assert by_day == {date(2026, 6, 30): Decimal("18.00"), date(2026, 7, 1): Decimal("50.00"),
                      date(2026, 12, 31): Decimal("50.00"), date(2027, 1, 1): Decimal("18.00")}
    assert fee(theirs, "building_permit", {"floor_area": 10}, on=date(2026, 7, 1)).total == Decimal("18.00")
    overridden = fee(mine, "building_permit", {"floor_area": 10}, on=date(2026, 7, 1)).lines[0]
    assert overridden.rule == f"building_permit.area/m{mine.pk}/2026-07-01"


def test_a_line_changes_on_a_date_the_day_before_and_the_day_of(category):
    town = category(2)
    rule(rate="1.00", valid_from=date(2026, 1, 1), valid_to=date(2026, 6, 30))
    rule(rate="2.00", valid_from=date(2026, 7, 1))
    assert fee(town, "test_service", {"parcel_area": 10}, on=date(2026, 6, 30)).total == Decimal("10.00")
    assert fee(town, "test_service", {"parcel_area": 10}, on=date(2026, 7, 1)).total == Decimal("20.00")
    with pytest.raises(RegisterError):
        fee(town, "test_service", {"parcel_area": 10}, on=date(2026, 1, 1) - timedelta(days=1))


def test_a_line_of_the_municipalitys_category_before_a_line_for_every_category(category):
    rule(rate="1.00")  # every category
    rule(rate="3.00", category=4)
    assert fee(category(4), "test_service", {"parcel_area": 10}).total == Decimal("30.00")
    assert fee(category(2), "test_service", {"parcel_area": 10}).total == Decimal("10.00")


def test_amounts_are_exact_to_the_halala_rounded_half_up(category):
    town = category(3)
    rule(line="tenth", measure="count", rate="0.10")
    rule(line="float", measure="parcel_area", rate="1.00", position=20)
    result = fee(town, "test_service", {"count": 3, "parcel_area": 0.1 + 0.2})  # 0.30000000000000004 as a float
    assert [line.amount for line in result.lines] == [Decimal("0.30"), Decimal("0.30")]
    assert result.total == Decimal("0.60") and result.as_dict()["total"] == "0.60"

    rule("halves", "a", measure="fixed", rate="0.005")
    rule("halves", "b", measure="fixed", rate="0.025", position=20)
    rule("halves", "c", measure="count", rate="0.3333", position=30)
    rule("halves", "more", kind="surcharge", measure="fixed", rate=None, percent="12.5", position=90)
    halves = fee(town, "halves", {"count": 3})
    # 0.005 -> 0.01 and 0.025 -> 0.03 (half up; banker's rounding would give 0.00 and 0.02); 3 x 0.3333 -> 1.00
    assert [line.amount for line in halves.lines] == [Decimal("0.01"), Decimal("0.03"), Decimal("1.00"),
                                                      Decimal("0.13")]  # 12.5 % of 1.04 = 0.13
    assert halves.total == total_of(halves.lines) == Decimal("1.17")
    assert all(line.amount == line.amount.quantize(Decimal("0.01")) for line in halves.lines)


def test_as_dict_keeps_the_shape_a_case_stores(category):
    stored = fee(category(5), "survey_decision", {"parcel_area": 100}).as_dict()
    assert stored["currency"] == "SAR" and stored["total"] == "100.00"
    assert [set(line) for line in stored["lines"]] == [
        {"kind", "rule", "quantity", "rate", "amount", "explain_ar", "explain_en"}] * 2
    assert stored["lines"][1]["amount"] == "80.00" and stored["lines"][0]["rate"] == "0.20"
