"""The public verification page in a real browser: Arabic first and right to left, the English switch, the
status of the document, no sign-in."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from accounts.models import Person
from accounts.roles import roles_sync
from accounts.services import membership_grant
from cases import services
from cases.documents.services import Approver, document_issue
from tests.factories import MunicipalityFactory
from tests.shapes import lonlat

pytestmark = pytest.mark.django_db(transaction=True)


def test_someone_who_scanned_the_code_reads_the_status_in_arabic_then_english(page, live_server, django_user_model):
    roles_sync()
    town = MunicipalityFactory(short_code="RAS", name_ar="بلدية الرس", name_en="Ar Rass Municipality")
    staff = django_user_model.objects.create_user("approver", password="x")
    membership_grant(user=staff, municipality=town, roles=["permit_approver"])
    applicant = Person.objects.create(kind="person", name_ar="محمد", name_en="Mohammed", national_id="1012345678")
    case = services.case_create(municipality=town, case_type="kiosk_permit", actor="portal",
                                data={"activity": "food", "area_m2": 20}, parties=[(applicant, "applicant")],
                                point=Point(*lonlat(10, 10), srid=4326))
    doc = document_issue(case=case, kind="kiosk_licence", template="documents/issued_generic.html",
                         context={"body_ar": "نص", "body_en": "Text"}, approver=Approver("عبدالله", "مدير"),
                         actor=staff, title_ar="رخصة كشك", title_en="Kiosk licence",
                         valid_until=timezone.localdate() + timedelta(days=30))

    page.goto(f"{live_server.url}/verify/{doc.token}/")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.inner_text(".status").strip() == "المستند ساري المفعول."
    assert "بلدية الرس" in page.inner_text("main") and doc.sha256 in page.inner_text("main")
    page.click("button[value=en]")
    page.wait_for_selector("html[dir=ltr]")
    text = page.inner_text("main")
    assert "This document is valid." in text and "Ar Rass Municipality" in text and "Kiosk licence" in text
    assert "Mohammed" not in text and "محمد" not in page.content()
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in page.requests)
