"""My transactions on the portal: only mine, what I must do next, the citizen-visible timeline, bills with their
SADAD numbers, my steps; and the inquiry without signing in, which answers little."""

import re
from decimal import Decimal

from cases import services
from payments.lines import FeeLine
from payments.models import Biller, BillStatus
from payments.services import bill_issue
from tests.cases.conftest import open_case
from tests.portal.conftest import someone_else


def html(response) -> str:
    return response.content.decode()


def test_a_visitor_is_sent_to_sign_in_and_back(client):
    response = client.get("/portal/transactions/")
    assert response.status_code == 302 and response["Location"] == "/portal/sign-in/?next=%2Fportal%2Ftransactions%2F"


def test_i_see_my_transactions_only_with_what_to_do_next(signed_in, town, reviewer, citizen, case):
    not_mine = open_case(town=town, actor=reviewer, applicant=someone_else())
    page = html(signed_in.get("/portal/transactions/"))
    assert case.number in page and not_mine.number not in page
    assert 'data-next="none"' in page  # submitted: the municipality is on it
    assert signed_in.get(f"/portal/transactions/{not_mine.pk}/").status_code == 404


def test_the_timeline_shows_what_is_meant_for_me_and_my_step(signed_in, reviewer, case):
    case = services.case_transition(case=case, transition="start_review", actor=reviewer, expected_version=1)
    services.case_comment(case=case, actor=reviewer, body="ملاحظة داخلية سرية")
    case = services.case_transition(case=case, transition="return", actor=reviewer, expected_version=case.version,
                                    note="أرفق مخطط الموقع الصحيح")
    page = html(signed_in.get(f"/portal/transactions/{case.pk}/"))
    assert "ملاحظة داخلية سرية" not in page
    assert 'data-step="resubmit"' in page and 'data-next="act"' in page
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\d">\d+ \S+', page)  # Hijri beside Gregorian
    # A step at a stale version is refused and changes nothing; at the version shown, it is taken.
    stale = signed_in.post(f"/portal/transactions/{case.pk}/step/", {"transition": "resubmit", "version": 1},
                           follow=True)
    case.refresh_from_db()
    assert (case.status == "returned" and "reload" in html(stale).lower()) or "أعد" in html(stale)
    signed_in.post(f"/portal/transactions/{case.pk}/step/", {"transition": "resubmit", "version": case.version})
    case.refresh_from_db()
    assert case.status == "submitted"


def test_a_staff_step_is_not_mine(signed_in, case):
    signed_in.post(f"/portal/transactions/{case.pk}/step/", {"transition": "start_review", "version": case.version})
    case.refresh_from_db()
    assert case.status == "submitted"


def test_a_bill_shows_its_sadad_number_and_asks_me_to_pay(signed_in, town, case):
    Biller.objects.create(municipality=town, code="091", name_ar="بلدية", name_en="Town")
    line = FeeLine(kind="fee", rule="t", quantity=Decimal(1), rate=Decimal(250), amount=Decimal(250),
                   explain_ar="رسم", explain_en="fee")
    bill = bill_issue(case=case, actor="test", service_code="kiosk_permit", lines=[line])
    page = html(signed_in.get(f"/portal/transactions/{case.pk}/"))
    assert bill.bill_number_display in page and 'data-next="wait"' in page  # not yet at SADAD
    type(bill).objects.filter(pk=bill.pk).update(status=BillStatus.ACTIVE)
    page = html(signed_in.get(f"/portal/transactions/{case.pk}/"))
    assert 'data-next="pay"' in page and bill.bill_number in page and "250" in page
    assert 'data-next="pay"' in html(signed_in.get("/portal/transactions/"))


def test_the_inquiry_answers_the_number_with_its_applicants_id_only(client, case, applicant):
    answer = html(client.post("/portal/inquiry/", {"number": case.number, "national_id": applicant.national_id}))
    assert 'data-test="inquiry"' in answer and applicant.name_ar not in answer
    wrong_id = client.post("/portal/inquiry/", {"number": case.number, "national_id": "1099999999"})
    missing = client.post("/portal/inquiry/", {"number": "X-0000-000000", "national_id": "1099999999"})
    assert wrong_id.status_code == missing.status_code == 200
    strip = lambda r: re.sub(r'value="[^"]*"', "", html(r))  # noqa: E731 (the typed number and the CSRF token)
    assert strip(wrong_id) == strip(missing) and 'data-test="inquiry"' not in html(wrong_id)


def test_the_home_page_greets_me_with_my_open_transactions(signed_in, client, case, citizen):
    page = html(signed_in.get("/portal/", HTTP_ACCEPT_LANGUAGE="en"))
    assert 'data-test="welcome"' in page and "You have 1 open transaction." in page


def test_a_visitor_sees_the_services_and_how_to_sign_in(client, db):
    page = html(client.get("/portal/"))
    assert 'href="/portal/sign-in/"' in page and 'href="/portal/inquiry/"' in page and "welcome" not in page


def test_inquiries_are_limited_per_id(client, case, applicant):
    for _ in range(5):
        assert client.post("/portal/inquiry/", {"number": case.number, "national_id": "1099999999"}).status_code == 200
    refused = client.post("/portal/inquiry/", {"number": case.number, "national_id": "1099999999"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    # Another ID from elsewhere is still answered.
    ok = client.post("/portal/inquiry/", {"number": case.number, "national_id": applicant.national_id},
                     REMOTE_ADDR="10.1.1.1")
    assert ok.status_code == 200 and 'data-test="inquiry"' in html(ok)
