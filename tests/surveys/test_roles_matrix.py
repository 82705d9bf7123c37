"""Every role against every step of the survey decision: only the roles the type declares succeed; the others
are refused (403) and the case is left as it was."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Person
from accounts.roles import ROLES
from cases import services as cases_services
from cases.models import Case
from cases.types import APPLICANT
from common.errors import NotPermitted
from surveys.case_types import SURVEY_DECISION
from surveys.selectors import latest_survey
from tests.surveys.conftest import staff, survey_csv

WHO = [code for code, *_rest in ROLES] + [APPLICANT, "stranger"]


@pytest.fixture
def case(town, plot, engineer, owner):
    return cases_services.case_apply(
        municipality=town, case_type="survey_decision", actor=engineer,
        data={"purpose": "sale", "survey_crs": "9358"}, parties=[(owner, "applicant")], parcels=[plot],
        files={"survey": survey_csv(dx=0.1)})


def actor_for(who, town, engineer, django_user_model):
    if who == APPLICANT:
        return engineer  # acts for the owner through the office
    if who == "stranger":
        user = django_user_model.objects.create_user("stranger", password="x")
        Person.objects.create(kind="person", name_ar="غريب", name_en="Stranger", national_id="1055555555", user=user)
        return user
    return staff(get_user_model(), town, f"u-{who}", [who])


@pytest.mark.parametrize("transition", [t.name for t in SURVEY_DECISION.transitions])
@pytest.mark.parametrize("who", WHO)
def test_role_by_step(who, transition, case, town, engineer, django_user_model):
    step = SURVEY_DECISION.transition(transition)
    actor = actor_for(who, town, engineer, django_user_model)
    # Put the case where the step starts; a resubmission follows a new survey (its guard).
    since = latest_survey(case=case).created_at - timedelta(seconds=1)
    Case.objects.filter(pk=case.pk).update(status=step.sources[0], status_since=since)
    case.refresh_from_db()
    version = case.version
    allowed = who in step.roles
    if allowed:
        done = cases_services.case_transition(case=case, transition=transition, actor=actor,
                                              expected_version=case.version, note="reason")
        assert done.status == step.target
    else:
        with pytest.raises(NotPermitted):
            cases_services.case_transition(case=case, transition=transition, actor=actor,
                                           expected_version=case.version, note="reason")
        case.refresh_from_db()
        assert case.status == step.sources[0] and case.version == version


def test_the_matrix_is_not_empty():
    """Every step has someone who may take it, and the applicant takes only theirs."""
    assert all(t.roles for t in SURVEY_DECISION.transitions)
    assert {t.name for t in SURVEY_DECISION.transitions if APPLICANT in t.roles} == {"resubmit", "withdraw"}
