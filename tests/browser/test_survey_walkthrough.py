"""A survey decision through the inbox in real headless Chromium: an engineering office applies on behalf of an
owner with a survey file, a reviewer sees the survey against the register on the map and returns it with a
reason, the office sends a new survey and resubmits, the reviewer approves; the decision is issued and the
applicant was told at each step (the outbox, filled by the real worker)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Organisation, Person, Representation
from accounts.services import membership_grant
from cases.documents.models import IssuedDocument
from cases.models import Case
from notifications.models import Delivery
from payments.fees.national import national_schedule_ensure
from payments.models import Bill, Biller
from surveys.demo import survey_csv
from tests.browser.test_webmap import a_parcel, load_city
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
UTM38 = 32638


@pytest.fixture
def people():
    city = load_city(200)
    Biller.objects.get_or_create(municipality=city, defaults={"code": "091", "name_ar": "بلدية", "name_en": "Town"})
    national_schedule_ensure()  # the fee schedule: the database was flushed by the test before
    users = get_user_model().objects
    reviewer = users.create_user("reviewer", password="pw", first_name="Huda", is_staff=True)  # opens /outbox/
    membership_grant(user=reviewer, municipality=city, roles=["survey_reviewer"])
    engineer = users.create_user("office", password="pw")
    person = Person.objects.create(kind="person", name_ar="سارة", name_en="Sara", national_id="1098765432",
                                   mobile="+966500000002", user=engineer)
    office = Organisation.objects.create(kind="organisation", name_ar="مكتب الرس الهندسي", name_en="Al-Rass office",
                                         cr_number="1131000017", org_kind="engineering_office")
    owner = Person.objects.create(kind="person", name_ar="عبدالله", name_en="Abdullah", national_id="1012345670",
                                  mobile="+966500000001", email="owner@example.invalid")
    Representation.objects.create(agent=person, principal=office, kind="employee", valid_from=date(2020, 1, 1))
    Representation.objects.create(agent=office, principal=owner, kind="office", valid_from=date(2020, 1, 1))
    parcel = a_parcel(city)
    parcel.deed_number = "310115000999"
    parcel.save(update_fields=["deed_number"])
    return {"city": city, "reviewer": reviewer, "owner": owner, "parcel": parcel}


def sign_in(browser, live_server, username, next_url):
    context = browser.new_context(locale="ar", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def step(page, name, note=None):
    form = page.locator(f"form.step:has([data-step={name}])")
    if note:
        form.locator("[name=note]").fill(note)
    form.locator(f"[data-step={name}]").click()
    page.wait_for_selector(".flash")


def pay_at_bank(browser, sadad_live, bill) -> None:
    """The bill paid on the SADAD simulator's bank page, as a phone's bank app would (its receipt shown)."""
    bank = browser.new_context(locale="ar", viewport={"width": 375, "height": 740}, is_mobile=True).new_page()
    bank.goto(sadad_live.bank_url)
    bank.fill("#number", bill.bill_number_display)
    bank.click("button[type=submit]")
    bank.click("#pay")
    bank.wait_for_url("**/bank/receipt/**")


def drawn(page, layer: str) -> int:
    return page.evaluate("(l) => ardh.idle().then(() => ardh.map.queryRenderedFeatures({layers: [l]}).length)", layer)


def test_a_survey_decision_from_application_to_approval(browser, live_server, people, sadad_live, worker, tmp_path):
    parcel, owner = people["parcel"], people["owner"]
    first = tmp_path / "survey.csv"
    first.write_bytes(survey_csv(parcel, shift_m=1.2, srid=UTM38))

    # The office applies for the owner: the form is drawn from the type's fields and documents.
    office = sign_in(browser, live_server, "office", "/inbox/new/survey_decision/")
    office.wait_for_selector("form")
    assert office.locator("html").get_attribute("dir") == "rtl"
    office.check(f"input[name=party][value='{owner.pk}']")
    office.fill("#f_deed_number", parcel.deed_number)
    office.select_option("#f_purpose", "new_building")
    office.select_option("#f_survey_crs", str(UTM38))
    office.fill("#parcel", parcel.deed_number)
    office.set_input_files("#doc_survey", str(first))
    office.click("form button[type=submit]")
    office.wait_for_selector("[data-test=survey-panel]")
    case = Case.objects.get(case_type="survey_decision")
    assert case.number in office.locator("h1").inner_text()
    assert re.search(r"1[.,]2\b", office.locator("[data-test=survey-figures]").inner_text())  # the corner shift

    # The reviewer: the survey against the register on the case's map, then returned with a reason.
    reviewer = sign_in(browser, live_server, "reviewer", "/inbox/")
    reviewer.click(f"text={case.number}")
    reviewer.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert drawn(reviewer, "case-register-line") >= 1 and drawn(reviewer, "case-survey-line") >= 1
    verdict = reviewer.locator("[data-test=survey-verdict]").inner_text()
    assert "خارج حدود التفاوت" in verdict  # beyond tolerance, in Arabic
    step(reviewer, "start_review")
    step(reviewer, "return", "الركن الثالث مزاح 1.2 م شرقًا؛ يرجى إعادة الرفع")
    case.refresh_from_db()
    assert case.status == "returned"

    # The office reads the reason, sends a corrected survey and resubmits.
    office.reload()
    assert "الركن الثالث مزاح" in office.locator("#timeline").inner_text()
    second = tmp_path / "survey-2.csv"
    second.write_bytes(survey_csv(parcel, shift_m=0.05, srid=UTM38))
    office.set_input_files("[data-test=survey-upload] input[type=file]", str(second))
    office.click("[data-test=survey-upload] button[type=submit]")
    office.wait_for_selector(".flash")
    assert office.locator("[data-test=survey-versions] li").count() == 2
    step(office, "resubmit")
    case.refresh_from_db()
    assert case.status == "submitted"

    # The reviewer approves: the fee is billed and presented to SADAD; nothing is printed before it is paid.
    reviewer.reload()
    step(reviewer, "start_review")
    assert "ضمن حدود التفاوت" in reviewer.locator("[data-test=survey-verdict]").inner_text()
    step(reviewer, "approve")
    case.refresh_from_db()
    assert case.status == "approved" and not IssuedDocument.objects.filter(case=case).exists()
    bill = Bill.objects.get(case=case)
    wait_for(lambda: Bill.objects.get(pk=bill.pk).status == "active", what="the bill presented", worker=worker)

    # The owner pays at the bank (the simulator's bank page, on a phone): the case moves on by itself.
    pay_at_bank(browser, sadad_live, bill)
    wait_for(lambda: Case.objects.get(pk=case.pk).status == "issued", timeout=30, what="the decision issued",
             worker=worker)
    decision = IssuedDocument.objects.get(case=case, kind="survey_decision")
    reviewer.reload()
    assert reviewer.locator("ul.issued").inner_text().count(decision.serial) == 1

    # The applicant was told at each step: the outbox shows each message once it is sent.
    templates = ["survey_submitted", "survey_returned", "survey_resubmitted", "survey_approved"]
    sent = Delivery.objects.filter(notification__context__number=case.number, status=Delivery.Status.SENT)
    for t in templates:
        wait_for(lambda t=t: sent.filter(notification__template=t).exists(), what=t, worker=worker)
    reviewer.goto(f"{live_server.url}/outbox/")
    outbox = reviewer.locator("body").inner_text()
    assert outbox.count(case.number) >= len(templates) and owner.mobile in outbox
