"""The inbox case page's "Bills" section: staff and the applicant's side see the case's bills — SADAD number grouped,
amount, status, dates, lines explained in the page's language, the receipt once issued."""

import re

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from cases.documents.models import IssuedDocument
from payments.models import BillStatus, LineKind, Payment, PaymentState
from tests.payments.factories import make_bill
from tests.web.conftest import page, signed_in

LINES = [(LineKind.FEE, "300.00", "رسم الكشك: 20 م² في 15 ريال", "Kiosk fee: 20 m² at SAR 15"),
         (LineKind.SURCHARGE, "45.00", "غرامة تأخير التجديد 15٪", "Late renewal surcharge 15%")]


def receipt(case, bill) -> IssuedDocument:
    """A receipt as the payment's job leaves it: an issued document on the case, named by the applied payment."""
    doc = IssuedDocument(municipality=case.municipality, case=case, kind="receipt", serial=f"RCPT-{bill.bill_number}",
                         title_ar="إيصال سداد", title_en="Payment receipt", issued_at=timezone.now(),
                         approver_name="النظام", size=4, sha256="0" * 64)
    doc.pdf.save("receipt.pdf", ContentFile(b"%PDF"), save=False)
    doc.save()
    Payment.objects.create(municipality=case.municipality, biller_code=bill.biller_code,
                           payment_ref=f"REF-{bill.pk}", account_number=bill.account_number, bill=bill,
                           amount=bill.amount, paid_at=timezone.now(), received_at=timezone.now(),
                           state=PaymentState.APPLIED, receipt=doc)
    return doc


def bill_blocks(html: str) -> dict[int, str]:
    return {int(pk): body for pk, body in re.findall(r'<article class="bill" data-bill="(\d+)">(.*?)</article>', html,
                                                      flags=re.S)}


def test_staff_see_the_bills_of_the_case(client, reviewer, layout):
    case = layout["cases"]["n1"]
    active = make_bill(case=case, amount="345.00", lines=LINES)
    paid = make_bill(case=case, amount="20.00", status=BillStatus.PAID)
    issued = receipt(case, paid)
    make_bill(case=layout["cases"]["n2"], amount="999.00")  # another case's
    html = page(signed_in(client, reviewer).get(f"/inbox/cases/{case.pk}/"))
    blocks = bill_blocks(html)
    assert set(blocks) == {active.pk, paid.pk}
    grouped = " ".join(active.bill_number[i:i + 3] for i in range(0, 15, 3))
    assert grouped in blocks[active.pk] and "345.00" in blocks[active.pk] and "بانتظار السداد" in blocks[active.pk]
    assert "رسم الكشك: 20 م² في 15 ريال" in blocks[active.pk] and "Kiosk fee" not in blocks[active.pk]
    assert active.due_date.isoformat() in blocks[active.pk] and active.expiry_date.isoformat() in blocks[active.pk]
    assert f'href="/api/v1/cases/{case.pk}/issued/{issued.pk}/file"' in blocks[paid.pk]
    assert "receipt" not in blocks[active.pk].lower()


def test_the_applicant_sees_them_too(client, applicant, layout):
    case = layout["cases"]["s1"]
    bill = make_bill(case=case, amount="345.00", status=BillStatus.SETTLED, lines=LINES)
    issued = receipt(case, bill)
    user = get_user_model().objects.create_user("owner", password="x")
    applicant.user = user
    applicant.save()
    signed_in(client, user)
    english = page(client.get(f"/inbox/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    block = bill_blocks(english)[bill.pk]
    assert "Kiosk fee: 20 m² at SAR 15" in block and "Late renewal surcharge 15%" in block and "settled" in block
    assert f'href="/api/v1/my/cases/{case.pk}/issued/{issued.pk}/file"' in block
    other = get_user_model().objects.create_user("stranger", password="x")
    assert signed_in(client, other).get(f"/inbox/cases/{case.pk}/").status_code == 403  # no parties at all


def test_no_section_without_bills(client, reviewer, layout):
    html = page(signed_in(client, reviewer).get(f"/inbox/cases/{layout['cases']['n1'].pk}/"))
    assert 'id="bills"' not in html
