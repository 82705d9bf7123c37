"""Documents people receive: a PDF (Arabic first, the case number, both calendars, a QR code of the public
verification address), its public verification page (valid / expired / revoked, no personal data), revoking."""

import hashlib
import http.server
import subprocess
import threading
import time
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cases.documents import render
from cases.documents.models import IssuedDocument
from cases.documents.services import Approver, document_issue, document_revoke
from cases.models import TimelineEntry
from common.errors import NotPermitted, RegisterError
from tests.cases.conftest import person_client

TEMPLATE = "documents/issued_generic.html"


def issue(case, actor, **kwargs):
    kwargs.setdefault("valid_until", timezone.localdate() + timedelta(days=365))
    return document_issue(
        case=case, kind="kiosk_licence", template=TEMPLATE, actor=actor,
        context={"body_ar": "يسمح بإقامة كشك لبيع الزهور.", "body_en": "A flower kiosk is allowed."},
        approver=Approver("عبدالله الحربي", "مدير إدارة الرخص"), title_ar="رخصة كشك", title_en="Kiosk licence",
        **kwargs)


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def qr_codes(path, tmp_path) -> list[str]:
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True)
    page = next(tmp_path.glob("page*.png"))
    out = subprocess.run(["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True)
    return out.stdout.split()


@pytest.fixture
def issued(case, approver):
    return issue(case, approver)


def test_the_pdf_has_the_case_number_dates_and_a_qr_code_of_its_verification_address(issued, case, tmp_path):
    with issued.pdf.open("rb") as f:
        pdf = f.read()
    assert pdf.startswith(b"%PDF-") and issued.sha256 == hashlib.sha256(pdf).hexdigest() and issued.size == len(pdf)
    assert issued.serial == f"{case.number}-D1" and len(issued.token) >= 32  # 192 bits, URL-safe
    text = pdf_text(issued.pdf.path)
    assert case.number in text and issued.serial in text
    today = timezone.localdate()
    assert render.gregorian(today, "en") in text and render.hijri(today, "en") in text  # both calendars
    assert "Kiosk licence" in text and "A flower kiosk is allowed." in text
    url = f"http://127.0.0.1:8000/verify/{issued.token}/"
    assert url in text.replace("\n", "")
    assert qr_codes(issued.pdf.path, tmp_path) == [url]
    entry = TimelineEntry.objects.get(case=case, kind="document")
    assert entry.data == {"issued": "kiosk_licence", "serial": issued.serial, "sha256": issued.sha256}


def test_serials_follow_each_other_on_a_case(issued, case, approver):
    second = issue(case, approver)
    assert second.serial == f"{case.number}-D2" and second.token != issued.token


def test_the_public_address_comes_from_settings(case, approver, settings, tmp_path):
    settings.ARDH_PUBLIC_URL = "https://ardh.example.gov.sa"
    doc = issue(case, approver)
    assert qr_codes(doc.pdf.path, tmp_path) == [f"https://ardh.example.gov.sa/verify/{doc.token}/"]


def test_rendering_reads_nothing_from_the_network():
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        pdf = render.html_to_pdf(f'<html><head><link rel="stylesheet" href="{base}/s.css"></head>'
                                 f'<body><img src="{base}/logo.png"><p>Ardh</p></body></html>')
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF-") and hits == []


def test_rendering_time_is_measured(case, approver):
    started = time.perf_counter()
    issue(case, approver)
    elapsed = time.perf_counter() - started
    print(f"document_issue took {elapsed:.2f} s")
    assert elapsed < 10


def verify_page(token, language="ar"):
    return Client(HTTP_ACCEPT_LANGUAGE=language).get(f"/verify/{token}/")


def test_the_verification_page_says_valid_and_shows_no_personal_data(issued, case, applicant):
    for language in ("ar", "en"):
        r = verify_page(issued.token, language)
        html = r.content.decode()
        assert r.status_code == 200 and 'data-status="valid"' in html
        assert issued.serial in html and issued.sha256 in html
        assert getattr(case.municipality, f"name_{language}") in html
        for personal in (applicant.name_ar, applicant.name_en, applicant.national_id, "1******678",
                         issued.approver_name):
            assert personal not in html
        assert r["Cache-Control"] == "no-store" and "noindex" in r["X-Robots-Tag"]
    english = verify_page(issued.token, "en").content.decode()
    assert "This document is valid." in english and "Kiosk licence" in english
    assert render.hijri(timezone.localdate(), "en") in english
    arabic = verify_page(issued.token, "ar").content.decode()
    assert "المستند ساري" in arabic and render.hijri(timezone.localdate(), "ar") in arabic and 'dir="rtl"' in arabic


def test_expired_and_revoked(case, approver, reader):
    old = issue(case, approver, valid_until=date(2020, 1, 1))
    assert 'data-status="expired"' in verify_page(old.token, "en").content.decode()
    doc = issue(case, approver)
    with pytest.raises(NotPermitted):
        document_revoke(document=doc, actor=_stranger(), reason="wrong")
    with pytest.raises(RegisterError):
        document_revoke(document=doc, actor=approver, reason="  ")
    document_revoke(document=doc, actor=approver, reason="Issued on the wrong parcel.")
    html = verify_page(doc.token, "en").content.decode()
    assert 'data-status="revoked"' in html and "This document has been revoked." in html
    with pytest.raises(RegisterError):
        document_revoke(document=doc, actor=approver, reason="again")
    assert TimelineEntry.objects.filter(case=case, kind="document", data__revoked="kiosk_licence").count() == 1


def _stranger():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("stranger", password="x")


def test_an_unknown_token_is_a_404_page_in_both_languages(issued):
    for token in ("x" * 32, issued.token[:-1] + ("A" if issued.token[-1] != "A" else "B"), "1", "a.b%20c", "y" * 150):
        r = verify_page(token)
        html = r.content.decode()
        assert r.status_code == 404 and "لا يوجد مستند صادر بهذا الرمز" in html and "No issued document" in html
    assert Client().get("/verify/../admin/").status_code == 404


def test_only_staff_issue(case, applicant):
    with pytest.raises(NotPermitted):
        issue(case, _stranger())
    assert not IssuedDocument.objects.exists()


def test_the_api_lists_and_downloads_issued_documents(issued, case, reviewer, other_town, django_user_model):
    from tests.cases.conftest import staff

    api = person_client(reviewer)
    body = api.get(f"/api/v1/cases/{case.pk}/issued/").json()["issued"]
    assert [(d["serial"], d["status"]) for d in body] == [(issued.serial, "valid")]
    assert body[0]["verification_url"].endswith(f"/verify/{issued.token}/")
    r = api.get(body[0]["file"])
    pdf = b"".join(r.streaming_content)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and hashlib.sha256(pdf).hexdigest() == \
        issued.sha256
    elsewhere = person_client(staff(django_user_model, other_town, "elsewhere", ["permit_reviewer"]))
    assert elsewhere.get(f"/api/v1/cases/{case.pk}/issued/").status_code == 404
    assert elsewhere.get(body[0]["file"]).status_code == 404
