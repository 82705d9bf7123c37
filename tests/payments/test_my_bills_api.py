"""The applicant's bills over the API (``/api/v1/my/bills/``): the bills of cases I am, or act for, the applicant of;
anyone else's are "not found". And a case's bills for its municipality's staff (``/api/v1/cases/<id>/bills/``)."""

from datetime import date

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Organisation, Person, Representation
from cases.documents.models import IssuedDocument
from payments.models import Bill, BillStatus, Payment, PaymentState
from payments.services import bill_issue
from tests.cases.conftest import open_case, person_client
from tests.factories import MunicipalityFactory
from tests.payments.conftest import fee, staff


def owner_of(person, django_user_model, name="owner"):
    user = django_user_model.objects.create_user(name, password="x")
    person.user = user
    person.save()
    return user


def paid_with_receipt(bill) -> IssuedDocument:
    Bill.objects.filter(pk=bill.pk).update(status=BillStatus.PAID, paid_at=timezone.now())
    doc = IssuedDocument(municipality=bill.municipality, case=bill.case, kind="receipt", serial=f"R-{bill.pk}",
                         title_ar="إيصال سداد", title_en="Payment receipt", issued_at=timezone.now(),
                         approver_name="النظام", size=4, sha256="0" * 64)
    doc.pdf.save("r.pdf", ContentFile(b"%PDF"), save=False)
    doc.save()
    Payment.objects.create(municipality=bill.municipality, biller_code=bill.biller_code, payment_ref=f"P-{bill.pk}",
                           account_number=bill.account_number, bill=bill, amount=bill.amount, paid_at=timezone.now(),
                           received_at=timezone.now(), state=PaymentState.APPLIED, receipt=doc)
    return doc


def test_my_bills_are_mine_and_others_are_not_found(bill, case, town, reviewer, applicant, django_user_model):
    me = owner_of(applicant, django_user_model)
    someone = Person.objects.create(kind="person", name_ar="سالم", name_en="Salem", national_id="1055555555")
    theirs = bill_issue(case=open_case(town=town, actor=reviewer, applicant=someone), actor=reviewer,
                        service_code="kiosk_permit", lines=[fee("10.00")])
    client = person_client(me)
    listing = client.get("/api/v1/my/bills/")
    assert listing.status_code == 200
    body = listing.json()
    assert [b["id"] for b in body["results"]] == [bill.pk] and body["next"] is False
    mine = body["results"][0]
    assert mine["bill_number"] == bill.biller_code + bill.account_number
    assert mine["bill_number_display"] == " ".join(mine["bill_number"][i:i + 3] for i in range(0, 15, 3))
    assert mine["amount"] == "350.50" and mine["status"] == bill.status and mine["case"]["number"] == case.number
    assert [(line["amount"], line["explain_en"]) for line in mine["lines"]] == [("250.00", "Fee"), ("100.50", "Fee")]
    assert mine["receipt"] is None
    one = client.get(f"/api/v1/my/bills/{bill.pk}/")
    assert one.status_code == 200 and one.json()["id"] == bill.pk
    assert client.get(f"/api/v1/my/bills/{theirs.pk}/").status_code == 404  # not "forbidden": not told it exists
    assert client.get("/api/v1/my/bills/999999/").status_code == 404
    bad = client.get("/api/v1/my/bills/?status=owed")
    assert bad.status_code == 400 and bad.json()["param"] == "status"


def test_who_acts_for_the_applicant_sees_them_and_the_receipt(bill, applicant, django_user_model):
    office = Organisation.objects.create(kind="organisation", name_ar="مكتب", name_en="Office", cr_number="4030000002",
                                         org_kind="engineering_office")
    user = django_user_model.objects.create_user("engineer", password="x")
    agent = Person.objects.create(kind="person", name_ar="سارة", name_en="Sara", national_id="1098765432", user=user)
    Representation.objects.create(agent=agent, principal=office, kind="employee", valid_from=date(2020, 1, 1))
    Representation.objects.create(agent=office, principal=applicant, kind="office", valid_from=date(2020, 1, 1))
    doc = paid_with_receipt(bill)
    body = person_client(user).get(f"/api/v1/my/bills/{bill.pk}/").json()
    assert body["status"] == "paid" and body["receipt"]["serial"] == doc.serial
    assert body["receipt"]["file"] == f"/api/v1/my/cases/{bill.case_id}/issued/{doc.pk}/file"
    assert person_client(user).get(body["receipt"]["file"]).status_code == 200
    assert [b["id"] for b in person_client(user).get("/api/v1/my/bills/?status=paid").json()["results"]] == [bill.pk]
    assert person_client(user).get("/api/v1/my/bills/?status=active").json()["results"] == []


def test_anonymous_callers_are_refused(client, bill):
    assert client.get("/api/v1/my/bills/").status_code in (401, 403)
    assert client.get(f"/api/v1/cases/{bill.case_id}/bills/").status_code in (401, 403)


def test_a_cases_bills_for_its_municipalitys_staff(bill, case, reviewer, finance, django_user_model):
    doc = paid_with_receipt(bill)
    second = bill_issue(case=case, actor=reviewer, service_code="kiosk_permit", lines=[fee("5.00")])
    response = person_client(finance).get(f"/api/v1/cases/{case.pk}/bills/")
    assert response.status_code == 200
    body = response.json()
    assert body["case"]["number"] == case.number and [b["id"] for b in body["bills"]] == [second.pk, bill.pk]
    assert body["bills"][1]["receipt"]["file"] == f"/api/v1/cases/{case.pk}/issued/{doc.pk}/file"
    elsewhere = staff(django_user_model, MunicipalityFactory(short_code="BUR"), "other", ["permit_reviewer"])
    assert person_client(elsewhere).get(f"/api/v1/cases/{case.pk}/bills/").status_code == 404
