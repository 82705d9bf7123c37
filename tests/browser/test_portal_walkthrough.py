"""The citizens' portal in real headless Chromium on a 360 x 740 phone, in Arabic: a citizen signs in with the code
sent to their mobile, applies for a survey decision on their own parcel, sees the bill and pays it on the SADAD
simulator's bank page, and follows the transaction to its decision; then files a complaint with a pin and a photo,
which goes to the handler of the district it is in, and gets the resolution notice. Every page fits the phone."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from accounts.models import Person
from accounts.services import membership_grant
from cases import services
from cases.models import Case
from notifications.models import Delivery
from parcels.services.ownership import ownership_record
from payments.fees.national import national_schedule_ensure
from payments.models import Bill, Biller
from surveys.demo import survey_csv
from tests.browser.test_survey_walkthrough import pay_at_bank
from tests.browser.test_webmap import a_parcel, load_city
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
UTM38 = 32638
PHONE = {"locale": "ar", "viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def town():
    city = load_city(200)
    Biller.objects.get_or_create(municipality=city, defaults={"code": "091", "name_ar": "بلدية", "name_en": "Town"})
    national_schedule_ensure()
    reviewer = get_user_model().objects.create_user("reviewer", password="pw", first_name="Huda")
    membership_grant(user=reviewer, municipality=city, roles=["survey_reviewer"])
    citizen = Person.objects.create(kind="person", name_ar="عبدالله السالم", name_en="Abdullah Al-Salem",
                                    national_id="1012345670", mobile="+966500000301")
    parcel = a_parcel(city)
    parcel.deed_number = "310115000999"
    parcel.save(update_fields=["deed_number"])
    ownership_record(parcel=parcel, party=citizen, actor="test")
    return {"city": city, "reviewer": reviewer, "citizen": citizen, "parcel": parcel}


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def sign_in(browser, live_server, citizen, next_url: str):
    """The portal's sign-in: the ID, then the code the outbox shows (the demo's stand-in for the SMS)."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/portal/sign-in/?next={next_url}")
    fits(page)
    page.fill("#national_id", citizen.national_id)
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector("#code-form")
    # The demo's outbox shows the SMS (ARDH_OUTBOX_PUBLIC): read the code there, as a demo visitor does.
    outbox = page.context.new_page()
    outbox.goto(f"{live_server.url}/outbox/")
    row = outbox.locator("tr.delivery", has_text=citizen.mobile).first.inner_text()
    code = re.search(r"\b(\d{6})\b", row).group(1)
    outbox.close()
    page.fill("#code", code)
    page.click("#code-form button[type=submit]")
    page.wait_for_url(f"**{next_url}")
    return page


def shown_after_reload(page, selector: str) -> bool:
    """Reload and say whether ``selector`` is on the page now (``page.reload()`` returns a response, which is
    truthy: ``page.reload() or ...`` would never look)."""
    page.reload()
    return page.locator(selector).count() == 1


def test_a_citizen_applies_pays_and_follows_on_a_phone(browser, live_server, town, sadad_live, worker, tmp_path,
                                                       settings):
    settings.ARDH_SADAD_BANK_PAGE = sadad_live.bank_url
    settings.ARDH_OUTBOX_PUBLIC = True
    citizen, parcel, reviewer = town["citizen"], town["parcel"], town["reviewer"]
    page = sign_in(browser, live_server, citizen, "/portal/services/")
    assert page.locator("html").get_attribute("dir") == "rtl"

    # Apply for a survey decision on my parcel: the form is the case type's, my parcels are offered.
    page.click("[data-service=survey_decision]")
    page.wait_for_selector("#apply")
    fits(page)
    page.check(f"input[name=parcel][data-parcel='{parcel.pk}']")
    page.fill("#f_deed_number", parcel.deed_number)
    page.select_option("#f_purpose", "new_building")
    page.select_option("#f_survey_crs", str(UTM38))
    survey = tmp_path / "survey.csv"
    survey.write_bytes(survey_csv(parcel, shift_m=0.05, srid=UTM38))
    page.set_input_files("#doc_survey", str(survey))
    page.click("#submit")
    page.wait_for_selector("[data-test=status]")
    case = Case.objects.get(case_type="survey_decision")
    assert case.number in page.locator("h1").inner_text() and list(case.parcels.all()) == [parcel]
    fits(page)

    # The municipality reviews and approves: the fee is billed and presented to SADAD.
    case = services.case_transition(case=case, transition="start_review", actor=reviewer, expected_version=None)
    services.case_transition(case=case, transition="approve", actor=reviewer, expected_version=None)
    bill = Bill.objects.get(case=case)
    wait_for(lambda: Bill.objects.get(pk=bill.pk).status == "active", what="the bill presented", worker=worker)
    page.reload()
    assert page.locator("[data-test=next]").get_attribute("data-next") == "pay"
    shown = page.locator("[data-test=sadad-number]").inner_text().replace(" ", "")
    assert shown == bill.bill_number and page.locator("[data-test=pay]").get_attribute("href") == sadad_live.bank_url

    # Paid at the bank (the simulator's page, on the phone): the decision is issued by itself; I see it.
    pay_at_bank(browser, sadad_live, bill)
    wait_for(lambda: Case.objects.get(pk=case.pk).status == "issued", timeout=30, what="the decision issued",
             worker=worker)
    page.reload()
    assert page.locator("[data-test=status]").get_attribute("data-status") == "issued"
    assert page.locator("[data-test=next]").get_attribute("data-next") == "done"
    # The decision, once (the payment's receipt is its own job and may or may not be listed yet).
    assert page.locator("[data-test=issued][data-kind=survey_decision]").count() == 1
    wait_for(lambda: shown_after_reload(page, "[data-test=receipt]"), what="the receipt", worker=worker)
    assert page.locator("[data-test=issued][data-kind=receipt]").count() == 1
    assert page.locator("[data-test=issued]").count() == 2
    page.goto(f"{live_server.url}/portal/transactions/")
    row = page.locator(f"[data-number='{case.number}']")
    assert row.get_attribute("data-status") == "issued"
    fits(page)


def png_file(tmp_path) -> str:
    path = tmp_path / "pothole.png"
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 90, 90)).save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return str(path)


def test_a_citizen_reports_a_problem_with_a_pin_and_a_photo_on_a_phone(browser, live_server, town, worker, tmp_path,
                                                                         settings, django_user_model):
    from complaints.models import Category, Complaint, Routing
    from complaints.reference import categories_sync
    from parcels.models import District

    settings.ARDH_OUTBOX_PUBLIC = True
    categories_sync()
    city, citizen = town["city"], town["citizen"]
    handlers = {}
    for district in District.objects.filter(municipality=city):
        handler = django_user_model.objects.create_user(f"handler-{district.code}", password="pw")
        membership_grant(user=handler, municipality=city, roles=["complaints_handler"])
        Routing.objects.create(municipality=city, district=district, category=None, handler=handler)
        handlers[district.pk] = handler
    page = sign_in(browser, live_server, citizen, "/portal/complaints/new/")
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)  # the map's code arrived after the form
    fits(page)
    page.select_option("#category", "pothole")
    page.fill("#description", "حفرة عميقة في منتصف الطريق")
    page.set_input_files("#photo", png_file(tmp_path))
    page.locator("#map").click()  # the pin: a tap in the middle of the map
    assert page.input_value("#lat") and page.input_value("#lon")
    page.click("#send")
    page.wait_for_load_state()
    if page.locator("[data-test=confirm-place]").count():  # near a district's edge: confirm, attach again
        page.check("input[name=confirm_place]")
        page.set_input_files("#photo", png_file(tmp_path))
        page.click("#send")
    page.wait_for_selector("[data-test=status]")
    complaint = Complaint.objects.select_related("case", "district").get()
    district = District.objects.get(municipality=city, geom__intersects=complaint.geom)
    assert complaint.district == district and complaint.case.assignee == handlers[district.pk]
    assert complaint.case.documents.filter(code="photo").exists() and complaint.category == Category.objects.get(
        code="pothole")
    assert district.name_ar in page.locator("[data-test=district]").inner_text()
    fits(page)

    # The district's handler resolves it; the citizen is told (the outbox, sent by the worker) and rates it.
    handler = handlers[district.pk]
    case = complaint.case
    for step, note in (("accept", None), ("start", None), ("resolve", "تم ردم الحفرة وإعادة السفلتة")):
        case = services.case_transition(case=case, transition=step, actor=handler, expected_version=None, note=note)
    wait_for(lambda: Delivery.objects.filter(notification__template="complaint_resolved", address=citizen.mobile,
                                             status=Delivery.Status.SENT).exists(), what="the resolution notice",
             worker=worker)
    outbox = page.context.new_page()
    outbox.goto(f"{live_server.url}/outbox/")
    assert "تم ردم الحفرة" in outbox.locator("tr.delivery", has_text=citizen.mobile).first.inner_text()
    outbox.close()
    page.reload()
    assert page.locator("[data-test=status]").get_attribute("data-status") == "resolved"
    page.check("input[name=rating][value='5']")
    page.click("[data-test=rate]")
    page.wait_for_selector("[data-test=rating]")
    assert Complaint.objects.get(pk=complaint.pk).rating == 5
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_a_citizen_objects_to_a_refusal_on_a_phone(browser, live_server, town, settings, django_user_model):
    """The refused transaction offers the objection with its last day; the phone's form files it, and I follow
    it; the refused transaction no longer offers a second one."""
    from cases.models import Objection
    from tests.cases.conftest import open_case, staff

    settings.ARDH_OUTBOX_PUBLIC = True
    city, citizen = town["city"], town["citizen"]
    reviewer = staff(django_user_model, city, "kreviewer", ["permit_reviewer"])
    approver = staff(django_user_model, city, "kapprover", ["permit_approver"])
    point = town["parcel"].geom.point_on_surface
    # A kiosk permit (the tests' scratch type) of mine, refused by the approver.
    case = services.case_transition(
        case=services.case_transition(
            case=open_case(town=city, actor=reviewer, applicant=citizen, point=point),
            transition="start_review", actor=reviewer, expected_version=1),
        transition="reject", actor=approver, expected_version=None)
    assert case.status == "rejected"

    page = sign_in(browser, live_server, citizen, f"/portal/transactions/{case.pk}/")
    form = page.locator("[data-test=object-form][data-transition=reject]")
    assert form.count() == 1 and page.locator("[data-test=period-ends] time").count() == 1
    fits(page)
    form.locator("button[type=submit]").click()  # no grounds: the form itself asks for them
    assert Objection.objects.count() == 0
    form.locator("textarea").fill("مساحة الكشك 20 م² وليست 60 م²، ومرفق الكروكي.")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-test=status][data-status=submitted]")
    objection = Objection.objects.get(objected_case=case)
    assert objection.case.number in page.locator("h1").inner_text()
    fits(page)
    page.goto(f"{live_server.url}/portal/transactions/{case.pk}/")
    filed = page.locator("[data-test=objection-filed]")
    assert filed.count() == 1 and objection.case.number in filed.inner_text()
    assert page.locator("[data-test=object-form]").count() == 0
