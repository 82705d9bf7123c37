"""A building permit in real headless Chromium, with the real worker and the SADAD simulator: the engineering
office draws the building over the whole parcel — the check fails, the violations in red, explained in Arabic —
draws it again inside the buildable envelope (snapping to its corners), submits; the reviewer reviews, the
approver approves; the owner pays at the simulator's bank; the worker issues the permit; its certificate PDF
carries a QR code whose address is the public verification page, which says the permit is valid."""

from __future__ import annotations

import subprocess
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Organisation, Person, Representation
from accounts.services import membership_grant
from cases.models import Case
from parcels.models import Parcel
from payments.fees.national import national_schedule_ensure
from payments.models import Bill, Biller
from permits import inputs
from permits.check import describe_site
from permits.models import Permit
from permits.seed import demo_rules_ensure
from tests.browser.test_survey_walkthrough import pay_at_bank, sign_in, step
from tests.browser.test_webmap import load_city
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def a_villa_plot(city) -> Parcel:
    """A vacant residential parcel of the villa zone with a street in front."""
    for parcel in Parcel.objects.filter(municipality=city, status="vacant", land_use="residential",
                                        valid_to__isnull=True).order_by("id"):
        site = inputs.check_inputs(parcel=parcel, on=timezone.localdate())
        if site["rules"]["source"]["code"] == "R1" and any(e["kind"] == "front"
                                                           for e in describe_site(site)["edges"]):
            return parcel
    raise AssertionError("no villa plot in the test city")


@pytest.fixture
def people():
    city = load_city(200)
    Biller.objects.get_or_create(municipality=city, defaults={"code": "091", "name_ar": "بلدية", "name_en": "Town"})
    national_schedule_ensure()
    demo_rules_ensure(municipality=city)
    users = get_user_model().objects
    engineer = users.create_user("engineer", password="pw", first_name="Abdullah")
    membership_grant(user=engineer, municipality=city, roles=["permit_reviewer"])
    approver = users.create_user("approver", password="pw", first_name="Hind")
    Person.objects.create(kind="person", name_ar="هند السبيعي", name_en="Hind", national_id="1000000107",
                          user=approver)
    membership_grant(user=approver, municipality=city, roles=["permit_approver"])
    employee = users.create_user("office", password="pw")
    person = Person.objects.create(kind="person", name_ar="خالد", name_en="Khalid", national_id="1098765432",
                                   mobile="+966500000002", user=employee)
    office = Organisation.objects.create(kind="organisation", name_ar="مكتب الرس الهندسي", name_en="Al-Rass office",
                                         cr_number="1131000017", org_kind="engineering_office")
    owner = Person.objects.create(kind="person", name_ar="عبدالله", name_en="Abdullah", national_id="1012345670",
                                  mobile="+966500000001", email="owner@example.invalid")
    Representation.objects.create(agent=person, principal=office, kind="employee", valid_from=date(2020, 1, 1))
    Representation.objects.create(agent=office, principal=owner, kind="office", valid_from=date(2020, 1, 1))
    return {"city": city, "owner": owner, "parcel": a_villa_plot(city)}


def draw(page, corners) -> None:
    """Click each corner on the map, then the first again to close the polygon."""
    page.click("[data-test=draw-ground]")
    page.evaluate("() => { delete document.body.dataset.drawn; }")
    page.locator("#map").scroll_into_view_if_needed()
    for lon, lat in [*corners, corners[0]]:
        x, y = page.evaluate("""([lon, lat]) => {
            const p = ardh.map.project([lon, lat]); const r = ardh.map.getCanvas().getBoundingClientRect();
            return [r.left + p.x, r.top + p.y]; }""", [lon, lat])
        page.mouse.click(x, y)
    page.wait_for_selector("body[data-drawn=true]")


def check(page, verdict: str) -> None:
    page.evaluate("() => { delete document.body.dataset.checked; }")
    page.click("[data-test=permit-check-button]")
    page.wait_for_selector(f"body[data-checked={verdict}]", timeout=20_000)


def qr_codes(pdf_path, tmp_path) -> list[str]:
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "page")],
                   check=True)
    page = next(tmp_path.glob("page*.png"))
    return subprocess.run(["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True).stdout.split()


def test_a_building_permit_from_drawing_to_a_verified_certificate(browser, live_server, people, sadad_live, worker,
                                                                  tmp_path):
    parcel = people["parcel"]
    office = sign_in(browser, live_server, "office", f"/permits/new/?parcel={parcel.pk}")
    office.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert office.locator("html").get_attribute("dir") == "rtl"
    site = office.evaluate("() => ardh.map && JSON.parse(document.getElementById('ardh-map-config').textContent)"
                           ".permit")

    # Over the whole parcel: into every setback. The check fails; the violations are red, explained in Arabic.
    draw(office, site["parcel"]["coordinates"][0][0][:-1])
    check(office, "failed")
    result = office.locator("[data-test=permit-check-result]").inner_text()
    assert "الارتداد الأمامي" in result and "مخالف" in result
    red = office.evaluate("() => ardh.idle().then(() => ardh.map.queryRenderedFeatures({layers: ['violations']})"
                          ".length)")
    assert red >= 1

    # Corrected: the building drawn on the envelope's corners (they snap): every rule passes.
    office.click("#draw-clear")
    envelope = site["site"]["envelope"]
    ring = envelope["coordinates"][0] if envelope["type"] == "Polygon" else envelope["coordinates"][0][0]
    draw(office, ring[:-1])
    check(office, "passed")
    office.select_option("select[name=applicant]", str(people["owner"].pk))
    office.click("[data-test=permit-submit]")
    office.wait_for_selector("[data-test=permit-panel]")
    case = Case.objects.get(case_type="building_permit")
    assert case.status == "submitted"

    # The reviewer sees the check and the map, and recommends; the approver approves (the fee is billed).
    engineer = sign_in(browser, live_server, "engineer", f"/inbox/cases/{case.pk}/")
    engineer.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert "مطابق لجميع الاشتراطات" in engineer.locator("[data-test=permit-verdict]").inner_text()
    step(engineer, "start_review")
    step(engineer, "recommend")
    approver = sign_in(browser, live_server, "approver", f"/inbox/cases/{case.pk}/")
    step(approver, "approve")
    bill = Bill.objects.get(case=case)
    wait_for(lambda: Bill.objects.get(pk=bill.pk).status == "active", what="the bill presented", worker=worker)

    # The owner pays at the bank (the simulator's page, on a phone): the worker issues the permit.
    pay_at_bank(browser, sadad_live, bill)
    wait_for(lambda: Case.objects.get(pk=case.pk).status == "issued", timeout=60, what="the permit issued",
             worker=worker)
    permit = Permit.objects.get(case=case)

    # The certificate from the case page; its QR code is the public verification page, which says it is valid.
    office.reload()
    link = office.locator("ul.issued a").first
    pdf = office.context.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert pdf.ok and pdf.body().startswith(b"%PDF-")
    path = tmp_path / "permit.pdf"
    path.write_bytes(pdf.body())
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert permit.number in text
    [url] = qr_codes(path, tmp_path)
    assert url.endswith(f"/verify/{permit.certificate.token}/")
    verify = browser.new_context(locale="ar").new_page()
    # The code holds the public address (ARDH_PUBLIC_URL); here the same path is served by the live server.
    verify.goto(live_server.url + urlsplit(url).path)
    assert verify.locator("[data-status]").get_attribute("data-status") == "valid"
