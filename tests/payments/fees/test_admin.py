"""The fee schedules in the admin: a municipality's finance officer sees the national lines (read-only) and
their own overrides, not another municipality's; adds an override (from the action, or the form), refused with
a clear message when its dates overlap; a preview computes a fee. A superuser changes national lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation

from accounts.services import membership_grant
from audit.models import ChangeRecord
from payments.fees.services import overlap_message
from payments.models import FeeRule
from tests.factories import MunicipalityFactory
from tests.payments.fees.conftest import rule

CHANGELIST = "admin:payments_feerule_changelist"


@pytest.fixture
def town(db):
    return MunicipalityFactory(fee_category=2)


@pytest.fixture
def officer(town, django_user_model, client):
    user = django_user_model.objects.create_user("finance-1", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="payments",
                                                        codename__endswith="feerule"))
    membership_grant(user=user, municipality=town, roles=["finance_officer"])
    client.force_login(user)
    return client


def national_line(service="building_permit", line="area", category=2) -> FeeRule:
    return FeeRule.objects.get(municipality=None, service=service, line=line, category=category)


def form_data(row: FeeRule, **changes) -> dict:
    data = {f: getattr(row, f) for f in ("service", "line", "position", "kind", "measure", "category", "rate",
                                         "minimum", "maximum", "percent", "condition", "explain_ar", "explain_en",
                                         "valid_from", "valid_to")}
    data["municipality"] = row.municipality_id
    data.update(changes)
    return {k: "" if v is None else v for k, v in data.items()}


def test_an_officer_sees_national_lines_and_their_own_overrides_only(officer, town):
    mine = rule("building_permit", "area", municipality=town, measure="floor_area", valid_from=date(2026, 7, 1))
    theirs = rule("building_permit", "area", municipality=MunicipalityFactory(), measure="floor_area")
    response = officer.get(reverse(CHANGELIST), {"service__exact": "building_permit"})
    assert response.status_code == 200
    shown = {row.pk for row in response.context["cl"].result_list}
    assert mine.pk in shown and theirs.pk not in shown and national_line().pk in shown
    assert officer.get(reverse("admin:payments_feerule_change", args=[theirs.pk])).status_code == 302


def test_a_national_line_is_read_only_to_an_officer(officer):
    line = national_line()
    url = reverse("admin:payments_feerule_change", args=[line.pk])
    page = officer.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]  # shown, not editable
    assert officer.post(url, form_data(line, rate="0.01")).status_code == 403
    assert officer.post(reverse("admin:payments_feerule_delete", args=[line.pk]), {"post": "yes"}).status_code == 403
    line.refresh_from_db()
    assert line.rate == Decimal("2.40") and FeeRule.objects.filter(pk=line.pk).exists()


def test_an_officer_cannot_add_a_national_line(officer):
    response = officer.post(reverse("admin:payments_feerule_add"),
                            form_data(national_line(), municipality="", valid_from="2027-01-01"))
    assert response.status_code == 200 and "municipality" in response.context["adminform"].form.errors
    assert not FeeRule.objects.filter(valid_from=date(2027, 1, 1)).exists()


def test_the_override_action_copies_the_national_line_for_the_officers_municipality(officer, town):
    line = national_line()
    response = officer.post(reverse(CHANGELIST), {"action": "override_for_my_municipality",
                                                  "_selected_action": [line.pk]}, follow=True)
    assert response.status_code == 200
    override = FeeRule.objects.get(municipality=town, service="building_permit", line="area")
    assert override.rate == line.rate and override.valid_from == timezone.localdate() and override.category == 2
    assert ChangeRecord.objects.filter(entity="payments.feerule", object_id=override.pk, action="create").exists()
    # changed to the municipality's figure through its form
    url = reverse("admin:payments_feerule_change", args=[override.pk])
    assert officer.post(url, form_data(override, rate="2.75")).status_code == 302
    override.refresh_from_db()
    assert override.rate == Decimal("2.75") and override.version == 2
    # a second copy overlaps the first: refused with the reason, nothing added
    response = officer.post(reverse(CHANGELIST), {"action": "override_for_my_municipality",
                                                  "_selected_action": [line.pk]}, follow=True,
                            HTTP_ACCEPT_LANGUAGE="en")
    assert "already in force" in response.content.decode()
    assert FeeRule.objects.filter(municipality=town, service="building_permit").count() == 1


def test_an_overlapping_override_in_the_form_is_a_form_error_not_a_500(officer, town):
    rule("signboard", "sign", municipality=town, measure="sign_area", rate="150", valid_from=date(2026, 1, 1))
    add = reverse("admin:payments_feerule_add")
    response = officer.post(add, form_data(rule("signboard", "sign", municipality=town, measure="sign_area",
                                                rate="140", valid_from=date(2026, 9, 1), save=False)))
    assert response.status_code == 200  # the form again, in Arabic (the default), saying why
    with translation.override("ar"):
        in_arabic = overlap_message()
    assert "ساري في بعض هذه الأيام" in in_arabic and in_arabic in response.content.decode()
    assert "municipality" not in response.context["adminform"].form.errors
    english = officer.post(add, form_data(rule("signboard", "sign", municipality=town, measure="sign_area",
                                               rate="140", valid_from=date(2026, 9, 1), save=False)),
                           HTTP_ACCEPT_LANGUAGE="en")
    errors = english.context["adminform"].form.non_field_errors()
    assert english.status_code == 200 and any("already in force on some of these days" in e for e in errors)
    assert FeeRule.objects.filter(municipality=town, service="signboard").count() == 1


def test_a_superuser_changes_a_national_line(db, django_user_model, client):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    line = national_line("booklet", "booklet", None)
    url = reverse("admin:payments_feerule_change", args=[line.pk])
    assert client.post(url, form_data(line, rate="120.00")).status_code == 302
    line.refresh_from_db()
    assert line.rate == 120


def test_the_preview_computes_a_fee_with_its_lines(officer, town):
    url = reverse("admin:payments_feerule_preview")
    page = officer.get(url, {"municipality": town.pk, "service": "license_renewal", "measures": "floor_area=50",
                             "flags": "late_renewal", "on": "2026-12-04"})
    assert page.status_code == 200 and page.context["result"].total == 500  # 50 m² x 8.00 + 25 %
    assert "Late renewal surcharge" in page.content.decode() or "غرامة تأخير التجديد" in page.content.decode()
    missing = officer.get(url, {"municipality": town.pk, "service": "license_renewal", "measures": "",
                                "on": "2026-12-04"})
    assert missing.status_code == 200 and missing.context["result"] is None
    assert "floor_area" in str(missing.context["form"].non_field_errors())
    garbled = officer.get(url, {"municipality": town.pk, "service": "license_renewal", "measures": "floor_area",
                                "on": "2026-12-04"})
    assert garbled.status_code == 200 and "measures" in garbled.context["form"].errors
