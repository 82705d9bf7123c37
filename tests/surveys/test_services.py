"""Survey decisions' services: bad input refused with what and where and nothing written; deed look-ups; the
reviewer's acceptance of a deviation; the printed decision; the valid decision a permit starts from; fees."""

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from cases import services as cases_services
from cases.documents.models import CaseDocument
from cases.documents.services import document_revoke
from cases.models import Case
from common.errors import NotPermitted, RegisterError
from geo.layers import get_layer
from payments.fees import compute_fee
from payments.models import Bill, FeeRule
from surveys import services
from surveys.models import Survey, SurveyRules
from surveys.readers import SurveyRefused
from surveys.selectors import latest_survey, rules_for, valid_decision_for
from tests.factories import MunicipalityFactory
from tests.surveys.conftest import pay_in_process, survey_csv


def apply(town, actor, owner, *, parcels=(), data=None, files=None):
    return cases_services.case_apply(
        municipality=town, case_type="survey_decision", actor=actor,
        data={"purpose": "sale", "survey_crs": "9358", **(data or {})}, parties=[(owner, "applicant")],
        parcels=list(parcels), files=files if files is not None else {"survey": survey_csv()})


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_a_survey_far_from_its_parcel_is_refused_and_nothing_is_left(town, plot, engineer, owner):
    before = stored_files()
    with pytest.raises(SurveyRefused) as refused:
        apply(town, engineer, owner, parcels=[plot], files={"survey": survey_csv(dx=300)})
    assert "from parcel A-1" in str(refused.value) and "300" in str(refused.value)
    assert not Case.objects.exists() and not Survey.objects.exists() and not CaseDocument.objects.exists()
    assert stored_files() == before


def test_the_wrong_utm_zone_lands_far_away_and_is_refused(town, plot, engineer, owner):
    with pytest.raises(SurveyRefused, match="right CRS"):
        apply(town, engineer, owner, parcels=[plot], data={"survey_crs": "9357"})


def test_the_parcel_found_by_its_deed_and_a_wrong_deed_refused(town, plot, engineer, owner):
    case = apply(town, engineer, owner, data={"deed_number": plot.deed_number})
    assert list(case.parcels.all()) == [plot]
    with pytest.raises(RegisterError, match="deed number 999999999999"):
        apply(town, engineer, owner, data={"deed_number": "999999999999"})
    with pytest.raises(RegisterError, match="not 310115000778"):
        apply(town, engineer, owner, parcels=[plot], data={"deed_number": "310115000778"})


def test_no_survey_no_case(town, plot, engineer, owner):
    with pytest.raises(RegisterError, match="Attach the survey"):
        apply(town, engineer, owner, parcels=[plot], files={})
    assert not Case.objects.exists()


def test_someone_not_acting_for_the_owner_cannot_apply(town, plot, owner, django_user_model):
    stranger = django_user_model.objects.create_user("stranger", password="x")
    with pytest.raises(NotPermitted):
        apply(town, stranger, owner, parcels=[plot])
    assert not Case.objects.exists()


def test_a_new_version_only_while_open_and_only_by_the_applicant(town, plot, engineer, owner, reviewer):
    case = apply(town, engineer, owner, parcels=[plot])
    with pytest.raises(NotPermitted):
        services.survey_add_version(case=case, actor=reviewer, upload=survey_csv(dx=0.2))
    second = services.survey_add_version(case=case, actor=engineer, upload=survey_csv(dx=0.2))
    assert second.number == 2 and second.document.version == 2
    assert second.comparison["max_corner_shift_m"] == pytest.approx(0.2, abs=0.01)
    case = cases_services.case_transition(case=case, transition="withdraw", actor=engineer,
                                          expected_version=case.version)
    with pytest.raises(RegisterError, match="submitted or returned"):
        services.survey_add_version(case=case, actor=engineer, upload=survey_csv())


def test_beyond_tolerance_needs_a_reviewers_reason_then_the_decision_is_printed(town, plot, engineer, owner,
                                                                                 reviewer):
    case = apply(town, engineer, owner, parcels=[plot], files={"survey": survey_csv(dx=0.8)})
    case = cases_services.case_transition(case=case, transition="start_review", actor=reviewer,
                                          expected_version=case.version)
    with pytest.raises(RegisterError, match="beyond tolerance"):
        cases_services.case_transition(case=case, transition="approve", actor=reviewer,
                                       expected_version=case.version)
    with pytest.raises(NotPermitted):
        services.survey_accept_deviation(case=case, actor=engineer, reason="fine")
    with pytest.raises(RegisterError, match="Say why"):
        services.survey_accept_deviation(case=case, actor=reviewer, reason="  ")
    services.survey_accept_deviation(case=case, actor=reviewer, reason="Field check: wall built 0.8 m east")
    case = cases_services.case_transition(case=case, transition="approve", actor=reviewer,
                                          expected_version=case.version)
    assert case.status == "approved" and valid_decision_for(parcel=plot) is None  # billed, not issued: unpaid
    bill = Bill.objects.get(case=case)
    assert bill.amount == Decimal(latest_survey(case=case).fee["total"]) and bill.service_code == "survey_decision"
    assert pay_in_process(case) == "issue"
    decision = valid_decision_for(parcel=plot)
    assert decision is not None and decision.case_id == case.pk
    # The validity counts from the issue day in Riyadh (the server's day), not in UTC.
    issued_on = timezone.localtime(decision.issued_at).date()
    assert (decision.valid_until - issued_on).days == rules_for(municipality_id=town.pk).validity_days
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", decision.pdf.path, "-"], capture_output=True,
                              text=True, check=True).stdout
        assert case.number in text and "A-1" in text and "0.8" in text
    assert decision.approver_name == reviewer.get_full_name() == "Reviewer"  # who approved signs, not "system"
    document_revoke(document=decision, actor=reviewer, reason="issued in error")
    assert valid_decision_for(parcel=plot) is None


def test_a_municipalitys_own_rules_replace_the_national_ones(town, plot, engineer, owner):
    assert rules_for(municipality_id=town.pk).corner_shift_m == Decimal("0.50")
    SurveyRules.objects.create(municipality=town, corner_shift_m=Decimal("1.00"), hausdorff_m=Decimal("1.00"),
                               overlap_m2=Decimal("20.00"))
    case = apply(town, engineer, owner, parcels=[plot], files={"survey": survey_csv(dx=0.8)})
    assert latest_survey(case=case).within_tolerance


def test_the_fee_by_area_and_category_with_its_minimum(town):
    """The survey decision's fee is the national schedule's: 1.00 SAR/m² in category 1 ... 0.20 in category 5."""
    today = timezone.localdate()
    big = compute_fee(municipality=MunicipalityFactory(fee_category=1), service="survey_decision",
                      measures={"parcel_area": 1000}, on=today).as_dict()
    assert big["total"] == "1000.00" and len(big["lines"]) == 1 and "1000" in big["lines"][0]["explain_en"]
    assert big["lines"][0]["explain_ar"] != big["lines"][0]["explain_en"]
    small = compute_fee(municipality=MunicipalityFactory(fee_category=5), service="survey_decision",
                        measures={"parcel_area": 100}, on=today).as_dict()
    assert small["total"] == "100.00" and len(small["lines"]) == 2  # SAR 20 by area, topped up to the minimum
    assert [line["kind"] for line in small["lines"]] == ["fee", "minimum"]


def test_the_surveys_fee_comes_from_the_schedule_and_the_towns_override(town, plot, engineer, owner):
    fee = latest_survey(case=apply(town, engineer, owner, parcels=[plot])).fee
    line = fee["lines"][0]
    assert set(fee) >= {"total", "currency", "lines"} and fee["currency"] == "SAR"
    assert set(line) >= {"kind", "rule", "quantity", "rate", "amount", "explain_ar", "explain_en"}
    assert line["rule"].startswith("survey_decision.area@c3/") and line["rate"] == "0.60"  # the town is category 3
    assert abs(Decimal(line["quantity"]) - Decimal("600")) < 1  # the 30 x 20 m plot
    assert fee["total"] == f"{Decimal(line['quantity']) * Decimal('0.60'):.2f}"
    national = FeeRule.objects.get(municipality=None, service="survey_decision", line="area", category=3)
    FeeRule.objects.create(municipality=town, service="survey_decision", line="area", measure="parcel_area",
                           rate=Decimal("2.00"), minimum=Decimal("50"), explain_ar=national.explain_ar,
                           explain_en=national.explain_en, valid_from=timezone.localdate())
    fee = latest_survey(case=apply(town, engineer, owner, parcels=[plot])).fee
    assert fee["lines"][0]["rate"] == "2.00" and "/m" in fee["lines"][0]["rule"]
    assert fee["total"] == f"{Decimal(fee['lines'][0]['quantity']) * 2:.2f}"


def test_the_outlines_layer_is_the_tenants():
    layer = get_layer("survey_outlines")
    assert layer.model is Survey and layer.permission == "tenant"


def test_the_outlines_filter_by_their_verdict_over_ogc_and_tiles(town, plot, engineer, owner, client):
    from accounts.services import api_key_create

    apply(town, engineer, owner, parcels=[plot], files={"survey": survey_csv(dx=0.8)})
    _key, token = api_key_create(municipality=town, name="gis", scopes=["read"])
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {token}"}
    url = "/ogc/collections/survey_outlines/items"
    def returned(value):
        response = client.get(url, {"within_tolerance": value}, **auth)
        assert response.status_code == 200
        return json.loads(b"".join(response.streaming_content))["numberReturned"]

    assert returned("false") == 1 and returned("true") == 0
    for bad in ("", "maybe"):
        refused = client.get(url, {"within_tolerance": bad}, **auth)
        assert refused.status_code == 400 and "within_tolerance" in refused.content.decode()
    tile = client.get("/tiles/survey_outlines/16/41689/28194.mvt", {"within_tolerance": "maybe"}, **auth)
    assert tile.status_code == 400


def test_a_case_opened_without_its_survey_takes_one_for_its_parcel(town, plot, engineer, owner):
    case = cases_services.case_create(municipality=town, case_type="survey_decision", actor=engineer,
                                      data={"purpose": "sale", "survey_crs": "9358", "deed_number": plot.deed_number},
                                      parties=[(owner, "applicant")], parcels=[plot])
    assert latest_survey(case=case) is None
    survey = services.survey_add_version(case=case, actor=engineer, upload=survey_csv(dx=0.1))
    assert survey.number == 1 and survey.parcel == plot and survey.within_tolerance
