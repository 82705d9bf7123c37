"""/finance/reconciliation/: the days, a day's lines and discrepancies, take and resolve (the service writes,
errors in the form), "reconcile now" queued, the CSV and XLSX exports, and who may see it."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from payments.models import Discrepancy, DiscrepancyKind, Resolution
from payments.reconciliation import reconcile_day
from tests.payments.conftest import staff
from tests.payments.recon.conftest import DAY, expire_before_day, line, notified, queued, recon_file

pytestmark = pytest.mark.django_db
BASE = "/finance/reconciliation/"
DAY_URL = f"{BASE}{DAY.isoformat()}/"


@pytest.fixture
def reconciled(town, bills):
    notified(bills[0], "SDD-MATCH")
    notified(bills[1], "SDD-GONE")
    notified(bills[3], "SDD-AMT")
    notified(bills[4], "SDD-LATE")
    expire_before_day(bills[4])
    return reconcile_day(municipality=town, biller_code="091", day=DAY, actor="test", content=recon_file([
        line("SDD-MATCH", bills[0]), line("SDD-NN", bills[2]), line("SDD-AMT", bills[3], amount="400.00"),
        line("SDD-LATE", bills[4])]))


def test_the_days_and_a_days_lines_per_category(client, finance, reconciled):
    client.force_login(finance)
    page = client.get(BASE)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-day="{DAY.isoformat()}"' in html and "SDD-" not in html.split('id="days"')[1].split("</table>")[0]
    assert "مطابق" in html or "matched" in html
    day = client.get(DAY_URL).content.decode()
    for ref in ("SDD-MATCH", "SDD-NN", "SDD-AMT", "SDD-LATE", "SDD-GONE"):
        assert ref in day
    lines_nn = day.split('id="lines-not_notified"')[1].split("</section>")[0]
    assert "SDD-NN" in lines_nn and "SDD-MATCH" not in lines_nn
    assert day.count('class="resolve"') == Discrepancy.objects.count() == 4


def test_a_finance_officer_takes_and_resolves_a_discrepancy(client, finance, reconciled):
    client.force_login(finance)
    d = Discrepancy.objects.get(kind=DiscrepancyKind.MISSING_FROM_FILE)
    assert client.post(f"{BASE}discrepancies/{d.pk}/take/").status_code == 302
    d.refresh_from_db()
    assert d.owner == finance
    refused = client.post(f"{BASE}discrepancies/{d.pk}/resolve/", {f"d{d.pk}-resolution": "confirmed",
                                                                   f"d{d.pk}-note": "  "})
    assert refused.status_code == 422 and 'role="alert"' in refused.content.decode()
    d.refresh_from_db()
    assert d.resolved_at is None
    done = client.post(f"{BASE}discrepancies/{d.pk}/resolve/", {f"d{d.pk}-resolution": Resolution.CONFIRMED,
                                                                f"d{d.pk}-note": "Bank confirmed a late file"},
                       follow=True)
    assert done.status_code == 200
    d.refresh_from_db()
    assert d.resolution == Resolution.CONFIRMED and d.resolved_by == finance and d.resolved_at is not None
    again = client.post(f"{BASE}discrepancies/{d.pk}/resolve/", {f"d{d.pk}-resolution": "refunded",
                                                                 f"d{d.pk}-note": "twice"})
    assert again.status_code == 422  # resolved already: said in the form, nothing changed
    d.refresh_from_db()
    assert d.resolution == Resolution.CONFIRMED


def test_reconcile_now_queues_the_job_for_a_past_day_only(client, finance, town):
    client.force_login(finance)
    assert client.post(f"{DAY_URL}reconcile/").status_code == 302
    assert queued("payments.reconcile_day") == [{"municipality_id": town.pk, "biller_code": "091",
                                                 "day": DAY.isoformat(), "user_id": finance.pk}]
    client.post(f"{BASE}2999-01-01/reconcile/")
    assert len(queued("payments.reconcile_day")) == 1
    assert client.get(f"{DAY_URL}reconcile/").status_code == 405  # a write is a POST


def test_the_day_exported_as_csv_with_arabic_and_english_headers(client, finance, reconciled):
    client.force_login(finance)
    response = client.get(f"{DAY_URL}export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][1] == "مرجع السداد / Payment reference" and rows[0][0] == "رقم السطر / Line"
    by_ref = {r[1]: r for r in rows[1:]}
    assert set(by_ref) == {"SDD-MATCH", "SDD-NN", "SDD-AMT", "SDD-LATE", "SDD-GONE"}
    assert by_ref["SDD-AMT"][3] == "400.00" and by_ref["SDD-AMT"][9] == "410.00"
    assert "missing from the file" in by_ref["SDD-GONE"][7] and by_ref["SDD-GONE"][0] == ""
    assert by_ref["SDD-LATE"][8] != "" and by_ref["SDD-MATCH"][8] == ""


def test_the_day_exported_as_xlsx(client, finance, reconciled):
    client.force_login(finance)
    response = client.get(f"{DAY_URL}export.xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    book = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    strings = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in book.namelist() else ""
    for ref in ("SDD-MATCH", "SDD-NN", "SDD-AMT", "SDD-LATE", "SDD-GONE"):
        assert ref in sheet + strings
    assert "Payment reference" in sheet + strings and 'rightToLeft="1"' in sheet


def test_no_export_before_the_day_is_reconciled(client, finance):
    client.force_login(finance)
    assert client.get(f"{DAY_URL}export.csv").status_code == 404
    assert client.get(f"{BASE}2026-13-45/").status_code == 404


def test_only_finance_officers_of_the_municipality(client, town, reviewer, reconciled, django_user_model):
    assert client.get(BASE).status_code == 302  # sign in first
    client.force_login(reviewer)  # staff, without payments.manage
    for url in (BASE, DAY_URL, f"{DAY_URL}export.csv"):
        refused = client.get(url)
        assert refused.status_code == 403
        assert "payments.manage" in refused.content.decode() and "SDD-" not in refused.content.decode()
    d = Discrepancy.objects.first()
    assert client.post(f"{BASE}discrepancies/{d.pk}/take/").status_code == 403
    assert client.post(f"{DAY_URL}reconcile/").status_code == 403
    d.refresh_from_db()
    assert d.owner_id is None and not queued("payments.reconcile_day")
    from tests.factories import MunicipalityFactory

    elsewhere = staff(django_user_model, MunicipalityFactory(), "finance_elsewhere", ["finance_officer"])
    client.force_login(elsewhere)  # a finance officer of another municipality sees none of this one's
    assert DAY.isoformat() not in client.get(BASE).content.decode()
    assert client.post(f"{BASE}discrepancies/{d.pk}/take/").status_code == 404


def test_a_refused_file_shows_why_on_its_day(client, finance, town, bills):
    from payments.reconciliation import reconcile_one

    run = reconcile_one(municipality=town, biller_code="091", day=DAY,
                        content=recon_file([line("SDD-1", bills[0])], total="1.00"))
    assert run.state == "refused"
    client.force_login(finance)
    html = client.get(DAY_URL).content.decode()
    assert "TRAILER sum" in html and "السطر 3" in html and 'id="export-csv"' not in html
