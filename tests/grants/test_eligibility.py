"""Each eligibility rule on its own: passed and failed, with its reason in both languages and its source; an
ineligible applicant is refused with the reasons and nothing is stored; an eligible one is queued with the facts
recorded and their sources."""

import datetime as dt

import pytest
from django.utils import translation

from cases.models import Case
from common.errors import RegisterError
from grants.eligibility import eligibility_decide
from grants.models import ExternalCheck, GrantApplication, ProgrammeRule
from tests.grants.conftest import apply, national_id, person

TODAY = dt.date(2026, 12, 4)


def only(programme, kind, value=""):
    """The programme reduced to one rule."""
    programme.rules.all().delete()
    ProgrammeRule.objects.create(programme=programme, municipality_id=programme.municipality_id, kind=kind,
                                 value=value)
    return programme


def decide(programme, nid, *, family=(), since=dt.date(2010, 1, 1)):
    return eligibility_decide(programme=programme, national_id=nid, family_ids=list(family), residence_since=since,
                              on=TODAY)


def rule(decision, kind):
    return next(r for r in decision.rules if r.rule == kind)


@pytest.mark.parametrize(("kind", "value", "passing", "failing", "source"), [
    ("nationality", "SA", {"saudi": True}, {"saudi": False}, "yaqeen-simulator"),
    ("min_age", "30", {"born": 1980}, {"born": 2000}, "yaqeen-simulator"),
    ("married_or_age", "30", {"married": True, "born": 2000}, {"married": False, "born": 2000}, "yaqeen-simulator"),
    ("no_property", "", {"owns": False}, {"owns": True}, "moj-simulator"),
])
def test_a_rule_of_facts_from_the_national_systems_passes_and_fails(programme, kind, value, passing, failing, source):
    only(programme, kind, value)
    ok, no = decide(programme, national_id(**passing)), decide(programme, national_id(**failing))
    assert rule(ok, kind).passed and ok.eligible
    assert not rule(no, kind).passed and not no.eligible
    assert rule(no, kind).source == source == rule(ok, kind).source
    assert [r.rule for r in no.failing()] == [kind]
    assert rule(no, kind).why_ar != rule(no, kind).why_en and rule(no, kind).why_en


def test_single_but_old_enough_passes_married_or_age(programme):
    only(programme, "married_or_age", "30")
    decision = decide(programme, national_id(married=False, born=1980))
    assert rule(decision, "married_or_age").passed
    assert "46" in rule(decision, "married_or_age").why_en  # aged 46 on 2026-12-04


def test_years_of_residence_are_counted_to_the_day(programme):
    only(programme, "residence_years", "3")
    nid = national_id()
    assert rule(decide(programme, nid, since=dt.date(2023, 12, 4)), "residence_years").passed
    failed = rule(decide(programme, nid, since=dt.date(2023, 12, 5)), "residence_years")
    assert not failed.passed and failed.source == "declared-by-applicant" and "2 years" in failed.why_en


def test_an_earlier_grant_in_ardhs_records_fails_the_rule(programme, town, officer, pool):
    from grants.services.lottery import lottery_commit, lottery_draw

    only(programme, "no_earlier_grant")
    applicant = person(serial=11)
    assert rule(decide(programme, applicant.national_id), "no_earlier_grant").passed
    apply(town, officer, applicant)
    lottery_draw(lottery=lottery_commit(programme=programme, actor=officer), public_salt="x", actor=officer)
    failed = rule(decide(programme, applicant.national_id), "no_earlier_grant")
    number = GrantApplication.objects.get(applicant=applicant).number
    assert not failed.passed and number in failed.why_en and failed.source == "ardh-grant-records"


def test_family_size_decides_the_entitlement_and_beyond_the_bands_fails(programme):
    only(programme, "nationality", "SA")
    nid = national_id()
    family = [f"2000000{k:03d}" for k in range(24)]
    assert decide(programme, nid, family=family[:3]).band.code == "small"  # 4 persons
    medium = decide(programme, nid, family=family[:5])
    assert medium.band.code == "medium" and medium.band.entitled_m2 == 700 and medium.points == 10
    too_many = decide(programme, nid, family=family)
    assert not too_many.eligible and not rule(too_many, "entitlement").passed
    # the simulator confirms only well-formed family IDs other than the applicant's
    assert decide(programme, nid, family=[nid, "123", "abcdefghij"]).family_size == 1


def test_an_ineligible_applicant_is_refused_with_every_failing_reason_and_nothing_is_stored(
        town, programme, officer):
    applicant = person(saudi=False, owns=True, serial=21)
    cases_before = Case.objects.count()
    with translation.override("en"), pytest.raises(RegisterError) as refused:
        apply(town, officer, applicant, since="2025-06-01")
    message = str(refused.value)
    assert refused.value.code == "not_eligible"
    assert "nationality SA" in message and "property" in message and "at least 3" in message
    assert Case.objects.count() == cases_before
    assert not GrantApplication.objects.exists() and not ExternalCheck.objects.exists()


def test_an_eligible_applicant_is_queued_with_each_fact_and_its_source(town, programme, officer):
    applicant = person(serial=31)
    case = apply(town, officer, applicant, family=6, special=True)
    application = GrantApplication.objects.get(case=case)
    assert case.status == "queued" and application.status == "queued"
    assert application.entitled_m2 == 700 and application.priority_points == 5 * 2 + 10
    assert {r["rule"] for r in application.decision} == {"nationality", "min_age", "married_or_age",
                                                         "no_earlier_grant", "no_property", "residence_years",
                                                         "entitlement"}
    assert all(r["passed"] and r["why_ar"] and r["why_en"] for r in application.decision)
    facts = {c.fact: c.source for c in application.checks.all()}
    assert facts == {"nationality": "yaqeen-simulator", "birth_date": "yaqeen-simulator",
                     "marital_status": "yaqeen-simulator", "family": "yaqeen-simulator",
                     "property_owned": "moj-simulator"}
    with pytest.raises(RegisterError) as again:
        apply(town, officer, applicant)
    assert again.value.code == "duplicate"
