"""Building rules as data, versioned: a new version is a draft until adopted from a day (the one before it then
ends), the database refuses two adopted versions on the same day, contradictions are refused with a message,
and the check takes the version in force on the day asked."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from audit.models import ChangeRecord
from common.errors import RegisterError
from permits.inputs import check_inputs
from permits.models import RuleSet
from permits.selectors import rule_set_in_force
from permits.services.rules import rule_set_adopt, rule_set_new_version
from tests.cases.conftest import person_client


def test_a_new_version_is_a_draft_and_adopting_it_ends_the_one_before(r1, plot, engineer):
    draft = rule_set_new_version(rule_set=r1, actor=engineer, side_setback_m=3)
    assert (draft.number, draft.status, float(draft.side_setback_m)) == (2, "draft", 3.0)
    day = date(2026, 6, 1)
    assert rule_set_in_force(regulation_id=r1.regulation_id, on=day).pk == r1.pk  # a draft is never in force
    rule_set_adopt(rule_set=draft, actor=engineer, valid_from=day)
    r1.refresh_from_db()
    assert r1.valid_to == day - timedelta(days=1)
    assert rule_set_in_force(regulation_id=r1.regulation_id, on=day - timedelta(days=1)).pk == r1.pk
    assert rule_set_in_force(regulation_id=r1.regulation_id, on=day).pk == draft.pk
    assert check_inputs(parcel=plot, on=day)["rules"]["side_setback_m"] == 3.0
    assert check_inputs(parcel=plot, on=date(2025, 1, 1))["rules"]["side_setback_m"] == 2.0
    assert ChangeRecord.objects.filter(entity="permits.ruleset", object_id=r1.pk).exists()


def test_the_database_refuses_two_adopted_versions_in_force_together(r1):
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSet.objects.create(**{**{f.name: getattr(r1, f.name) for f in RuleSet._meta.concrete_fields
                                     if f.name not in ("id", "created_at", "updated_at")},
                                  "number": 9, "valid_from": date(2024, 1, 1)})


def test_contradictory_figures_are_refused(r1, engineer):
    with pytest.raises(RegisterError) as refused:
        rule_set_new_version(rule_set=r1, actor=engineer, max_floors=5, max_height_m=10)
    assert "5 floors" in str(refused.value)
    assert RuleSet.objects.count() == 1


def test_no_rules_in_force_is_a_clear_error(r1, plot):
    RuleSet.objects.filter(pk=r1.pk).update(valid_from=date(2030, 1, 1))
    with pytest.raises(RegisterError) as refused:
        check_inputs(parcel=plot, on=date(2026, 1, 1))
    assert refused.value.code == "no_rules" and "R1" in str(refused.value)


def test_planners_edit_drafts_in_the_admin_and_adopted_versions_stay_read_only(r1, town, django_user_model):
    admin_user = django_user_model.objects.create_superuser("boss", "b@example.invalid", "x")
    client = person_client(admin_user)
    assert client.get(f"/admin/permits/ruleset/{r1.pk}/change/").status_code == 200
    response = client.post(f"/admin/permits/ruleset/{r1.pk}/change/", {"max_floors": 9})
    assert response.status_code == 403  # adopted: history
    added = client.post("/admin/permits/ruleset/add/", {
        "municipality": town.pk, "regulation": r1.regulation_id, "number": 2, "valid_from": "2027-01-01",
        **{k: getattr(r1, k) for k in ("coverage_ground_pct", "coverage_upper_pct", "coverage_annex_pct", "far",
                                       "front_setback_m", "front_setback_street_fraction", "side_setback_m",
                                       "rear_setback_m", "corner_secondary_front", "min_frontage_m",
                                       "parking_plot_threshold_m2", "parking_small_plot", "parking_large_plot",
                                       "parking_per_unit", "parking_per_100m2")},
        "front_setback_max_m": 6, "max_floors": 4, "max_height_m": 8, "allowed_uses": "residential"})
    assert added.status_code == 200 and "4 floors" in added.content.decode()  # a form error, not a 500
    assert RuleSet.objects.count() == 1
    actions = client.post("/admin/permits/ruleset/", {"action": "new_version", "_selected_action": [r1.pk]})
    assert actions.status_code == 302 and RuleSet.objects.filter(number=2, status="draft").exists()
