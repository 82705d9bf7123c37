"""The admin is scoped by tenant for every registered model admin (accounts/admin_site.py).

A staff member with every Django model permission, working in municipality A (municipality_admin role),
tries each registered model admin on municipality B's rows: lists, change forms (read and save), delete,
actions, autocomplete, and the admin map's context features. None of B's rows may show or change.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.admin_site import tenant_lookup
from accounts.models import Person
from accounts.services import api_key_create, membership_grant
from audit.models import ChangeRecord
from cases.models import Delegation, Holiday, PersonalDataLookup
from cases.services import case_create
from notifications.services import Recipient, notification_send
from parcels import models as m
from payments.lines import FeeLine
from payments.models import Biller, FeeRule, Refund
from payments.services import bill_issue, discrepancy_open, payment_apply, payment_record
from permits.models import Overlay, Permit, Proposal, RuleSet
from surveys.models import Survey, SurveyRules
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory, RegulationFactory
from tests.shapes import rect

# Admins of models that belong to no municipality: national reference data and Django's own.
NATIONAL = {"accounts.role", "accounts.person", "accounts.organisation", "accounts.representation", "auth.user",
            "auth.group", "licensing.activity", "licensing.requirement", "licensing.penalty", "complaints.category"}


def _rows_of(muni, django_user_model) -> dict[str, object]:
    """One row of every tenant-keyed model of ``muni``, by model label."""
    plan = PlanFactory(municipality=muni, geom=rect(-1000, -1000, 1000, 1000))
    regulation = RegulationFactory(municipality=muni)
    parcel = ParcelFactory(plan=plan, deed_number=f"DEED-{muni.code}")
    block = m.Block.objects.create(municipality=muni, plan=plan, number="B1", geom=rect(-900, -900, -800, -800))
    district = m.District.objects.create(municipality=muni, code="D9", name_ar="حي", geom=rect(-1000, -1000, 0, 0))
    street = m.Street.objects.create(municipality=muni, plan=plan, name_ar="شارع", width_m=20,
                                     geom=m.Street._meta.get_field("geom").to_python(
                                         "SRID=4326;MULTILINESTRING((43.49 25.86, 43.491 25.861))"))
    zone = m.Zone.objects.create(municipality=muni, regulation=regulation, name_ar="منطقة",
                                 geom=rect(-1000, -1000, 1000, 1000))
    key, _ = api_key_create(municipality=muni, name=f"key of {muni.code}", scopes=["read"])
    someone = django_user_model.objects.create_user(f"member-{muni.code}")
    membership = membership_grant(user=someone, municipality=muni, roles=["reader"])
    record = ChangeRecord.objects.create(entity="parcels.parcel", object_id=parcel.pk, action="update",
                                         municipality=muni, changes={})
    notification = notification_send(municipality=muni, template="test_message", channels=["email"],
                                     recipient=Recipient(name="x", email=f"x@{muni.code}.example.sa"))
    # unique per row: the primary key's last five digits spelt in letters (M + 5 letters)
    muni.short_code = "M" + "".join("ABCDEFGHIJ"[int(c)] for c in f"{muni.pk:05d}"[-5:])
    muni.save(update_fields=["short_code"])
    applicant = Person.objects.create(kind="person", name_ar="مقدم", national_id=f"1{muni.pk:09d}")
    case = case_create(municipality=muni, case_type="kiosk_permit", actor="portal",
                       data={"activity": "food", "area_m2": 10}, parties=[(applicant, "applicant")], parcels=[parcel])
    holiday = Holiday.objects.create(municipality=muni, day=dt.date(2026, 12, 13), name_ar="عطلة")
    lookup = PersonalDataLookup.objects.create(municipality=muni, actor_label="test", masked_national_id="1******000",
                                               purpose="test", kind="view", case=case)
    colleague = django_user_model.objects.create_user(f"colleague-{muni.code}")
    membership_grant(user=colleague, municipality=muni, roles=["reader"])
    delegation = Delegation.objects.create(municipality=muni, from_user=someone, to_user=colleague,
                                           starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 5), reason="x")
    rules = SurveyRules.objects.create(municipality=muni)
    fee_rule = FeeRule.objects.create(municipality=muni, service="booklet", line="booklet", rate=90,
                                      explain_ar="رسم", explain_en="Fee", valid_from=dt.date(2026, 1, 1))
    survey = Survey.objects.create(municipality=muni, case=case, number=1, parcel=parcel,
                                   geom=parcel.geom[0], source_srid=4326, within_tolerance=True)
    biller = Biller.objects.create(municipality=muni, code=f"{muni.pk % 900 + 100:03d}", name_ar="بلدية", name_en="x")
    line = FeeLine(kind="fee", rule="t", quantity=Decimal(1), rate=Decimal(5), amount=Decimal(5), explain_ar="رسم",
                   explain_en="fee")
    bill = bill_issue(case=case, actor="test", service_code="kiosk_permit", lines=[line])
    payment, _new = payment_record(municipality=muni, biller_code=biller.code, payment_ref=f"REF-{muni.pk}",
                                   account_number=bill.account_number, amount=Decimal(5), currency="SAR",
                                   paid_at=dt.datetime(2026, 12, 4, 10, tzinfo=dt.UTC))
    payment = payment_apply(payment_id=payment.pk)
    refund = Refund.objects.create(municipality=muni, payment=payment, bill=bill, amount=Decimal(5), reason="x",
                                   requested_by=colleague)
    discrepancy = discrepancy_open(municipality_id=muni.pk, kind="late_payment", bill=bill, payment=payment)
    rule_set = RuleSet.objects.create(municipality=muni, regulation=regulation, number=1, status="adopted",
                                      valid_from=dt.date(2020, 1, 1), coverage_ground_pct=60, coverage_upper_pct=60,
                                      max_floors=2, max_height_m=10, far=Decimal("1.2"), front_setback_m=2,
                                      side_setback_m=2, rear_setback_m=2, allowed_uses=["residential"])
    overlay = Overlay.objects.create(municipality=muni, kind="heritage", name_ar="منطقة تراثية", name_en="Heritage",
                                     valid_from=dt.date(2020, 1, 1), geom=rect(-500, -500, -400, -400))
    proposal = Proposal.objects.create(municipality=muni, case=case, number=1, parcel=parcel, source="drawn",
                                       use="residential", height_m=9, floors=[], footprint=parcel.geom,
                                       floor_area_m2=100, rule_set=rule_set, rules_date=dt.date(2026, 1, 1),
                                       passed=True)
    permit = Permit.objects.create(municipality=muni, case=case, number=f"P-{muni.pk}", kind="building_permit",
                                   parcel=parcel, proposal=proposal, issued_on=dt.date(2026, 1, 2),
                                   valid_until=dt.date(2029, 1, 2), use="residential", floors=2, floor_area_m2=100,
                                   geom=parcel.geom)
    licensing = _licensing_rows(muni, case=case, parcel=parcel, district=district, owner=applicant, user=someone)
    grants = _grants_rows(muni, case=case, parcel=parcel)
    investment = _investment_rows(muni, case=case, parcel=parcel, investor=applicant)
    complaints = _complaints_rows(muni, case=case, district=district, reporter=applicant)
    return {**licensing, **grants, **investment, **complaints, "permits.ruleset": rule_set, "permits.overlay": overlay,
            "permits.proposal": proposal,
            "permits.permit": permit, "payments.biller": biller, "payments.bill": bill, "payments.payment": payment,
            "payments.refund": refund, "payments.discrepancy": discrepancy, "payments.feerule": fee_rule,
            "surveys.surveyrules": rules, "surveys.survey": survey,
            "cases.personaldatalookup": lookup, "cases.delegation": delegation,
            "notifications.notification": notification, "notifications.delivery": notification.deliveries.get(),
            "accounts.municipality": muni, "parcels.subdivisionplan": plan, "parcels.zoningregulation": regulation,
            "parcels.parcel": parcel, "parcels.block": block, "parcels.district": district, "parcels.street": street,
            "parcels.zone": zone, "accounts.apikey": key, "accounts.membership": membership,
            "audit.changerecord": record, "cases.case": case, "cases.holiday": holiday}


def _complaints_rows(muni, *, case, district, reporter) -> dict[str, object]:
    from complaints import models as c

    category = c.Category.objects.get_or_create(code="t99", defaults={"name_ar": "فئة", "name_en": "x"})[0]
    routing = c.Routing.objects.create(municipality=muni, district=district, category=category,
                                       role="complaints_handler")
    complaint = c.Complaint.objects.create(municipality=muni, case=case, category=category, description="x",
                                           geom=district.geom.point_on_surface, reporter=reporter)
    return {"complaints.routing": routing, "complaints.complaint": complaint}


def _investment_rows(muni, *, case, parcel, investor) -> dict[str, object]:
    from investment import models as inv

    when = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    site = inv.Site.objects.create(municipality=muni, number="S1", name_ar="موقع", area_m2=900, geom=parcel.geom)
    opportunity = inv.Opportunity.objects.create(
        municipality=muni, number=f"O-{muni.pk}", site=site, activity_ar="نشاط", term_years=5, financial_model="fixed",
        min_annual_rent=1000, booklet_fee=100, bids_open_at=when, bids_close_at=when + dt.timedelta(days=1),
        opening_at=when + dt.timedelta(days=2))
    booklet = inv.Booklet.objects.create(municipality=muni, opportunity=opportunity, investor=investor, case=case)
    bid = inv.Bid.objects.create(municipality=muni, opportunity=opportunity, investor=investor, booklet=booklet,
                                 receipt=f"R-{muni.pk}", guarantee_ref="G", guarantee_amount=1, ciphertext=b"x",
                                 commitment="0" * 64)
    contract = inv.Contract.objects.create(municipality=muni, number=f"C-{muni.pk}", opportunity=opportunity,
                                           site=site, investor=investor, case=case, signed_on=dt.date(2026, 12, 2),
                                           annual_rent=1000, term_years=5, geom=parcel.geom)
    return {"investment.site": site, "investment.opportunity": opportunity, "investment.bid": bid,
            "investment.contract": contract}


def _licensing_rows(muni, *, case, parcel, district, owner, user) -> dict[str, object]:
    from licensing import models as lic

    activity = lic.Activity.objects.get_or_create(code="T99", defaults={"name_ar": "نشاط", "name_en": "x",
                                                                        "risk": "low"})[0]
    penalty = lic.Penalty.objects.get_or_create(code="T99", defaults={"title_ar": "x", "title_en": "x",
                                                                      "fine_min": 1, "fine_max": 2})[0]
    establishment = lic.Establishment.objects.create(municipality=muni, cr_number=f"7{muni.pk:09d}", name_ar="منشأة",
                                                     owner=owner)
    health = lic.HealthCertificate.objects.create(municipality=muni, establishment=establishment, holder_name="x",
                                                  holder_id_number="2000000000", number=f"HC-{muni.pk}",
                                                  expires_on=dt.date(2027, 1, 1))
    point = parcel.geom.point_on_surface
    premises = lic.Premises.objects.create(municipality=muni, establishment=establishment, name_ar="محل",
                                           parcel=parcel, area_m2=50, geom=point)
    license = lic.License.objects.create(municipality=muni, premises=premises, activity=activity,
                                         activity_code="T99", case=case, risk="low", geom=point)
    visit = lic.Visit.objects.create(municipality=muni, premises=premises, license=license,
                                     due_on=dt.date(2026, 12, 4), geom=point)
    return {
        "licensing.establishment": establishment, "licensing.healthcertificate": health,
        "licensing.premises": premises, "licensing.license": license, "licensing.visit": visit,
        "licensing.inspectorarea": lic.InspectorArea.objects.create(municipality=muni, inspector=user,
                                                                    district=district),
        "licensing.violation": lic.Violation.objects.create(municipality=muni, visit=visit, premises=premises,
                                                            penalty=penalty, penalty_code="T99", item="X",
                                                            status="fined", geom=point),
        "licensing.visitsubmission": lic.VisitSubmission.objects.create(municipality=muni, visit=visit,
                                                                        inspector=user, payload={},
                                                                        base_version=1, status="conflict"),
        "licensing.inspectionroute": lic.InspectionRoute.objects.create(municipality=muni, inspector=user,
                                                                        day=dt.date(2026, 12, 4)),
    }


def _grants_rows(muni, *, case, parcel) -> dict[str, object]:
    from grants import models as g
    from grants.demo import programme_ensure

    programme = programme_ensure(muni)
    band = programme.bands.first()
    applicant = Person.objects.create(kind="person", name_ar="مستفيد", national_id=f"2{muni.pk:09d}")
    application = g.GrantApplication.objects.create(
        municipality=muni, programme=programme, case=case, applicant=applicant, number=f"G-{muni.pk}",
        applied_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC), family_size=2, band=band, entitled_m2=625)
    lottery = g.Lottery.objects.create(municipality=muni, programme=programme, number=f"L-{muni.pk}", seed="00",
                                       seed_commitment="x", applicants_hash="a", plots_hash="p", applicants="",
                                       plots="", committed_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    return {
        "grants.programme": programme, "grants.grantapplication": application, "grants.lottery": lottery,
        "grants.allocation": g.Allocation.objects.create(municipality=muni, lottery=lottery, application=application,
                                                         parcel=parcel, area_m2=650, geom=parcel.geom),
        "grants.plotassessment": g.PlotAssessment.objects.create(municipality=muni, parcel=parcel, reason="wadi",
                                                                 assessed_by="test"),
    }


@pytest.fixture
def setting(db, django_user_model, client):
    a, b = MunicipalityFactory(), MunicipalityFactory()
    rows_a, rows_b = _rows_of(a, django_user_model), _rows_of(b, django_user_model)
    staff = django_user_model.objects.create_user("staff-a", password="pw", is_staff=True)
    staff.user_permissions.set(Permission.objects.all())
    membership_grant(user=staff, municipality=a, roles=["municipality_admin"])
    client.force_login(staff)
    return {"a": rows_a, "b": rows_b, "client": client}


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_admin_is_either_tenant_scoped_or_national():
    for model in admin.site._registry:
        label = model._meta.label_lower
        if label == "procrastinate.procrastinatejob":  # the queue: superusers only (runtime/admin.py)
            continue
        assert (tenant_lookup(model) is not None) != (label in NATIONAL), label


def test_every_tenant_admin_hides_another_municipalitys_rows(setting):
    client = setting["client"]
    tenant_models = [mdl for mdl in admin.site._registry if tenant_lookup(mdl) is not None]
    queue = client.get(reverse("admin:procrastinate_procrastinatejob_changelist"))
    assert queue.status_code == 403  # the jobs of every municipality: superusers only
    assert len(tenant_models) >= 11
    for model in tenant_models:
        label = model._meta.label_lower
        mine, theirs = setting["a"][label], setting["b"][label]  # KeyError: a new tenant admin, add it above
        response = client.get(_url(model, "changelist"))
        assert response.status_code == 200, label
        shown = {obj.pk for obj in response.context["cl"].result_list}
        assert mine.pk in shown and theirs.pk not in shown, label
        # the change form of another municipality's row: not found (a redirect with a message), never the form
        response = client.get(_url(model, "change", theirs.pk))
        assert response.status_code == 302, label
        assert client.get(_url(model, "change", mine.pk)).status_code in (200, 403), label  # 403: read-only admins
        # 403: an admin that never deletes (history)
        assert client.get(_url(model, "delete", theirs.pk)).status_code in (302, 403), label
        assert client.get(_url(model, "history", theirs.pk)).status_code == 302, label


def test_another_municipalitys_row_cannot_be_saved_deleted_or_acted_on(setting):
    client = setting["client"]
    parcel = setting["b"]["parcels.parcel"]
    response = client.post(_url(m.Parcel, "change", parcel.pk), {"number": "HIJACK", "land_use": "park"})
    assert response.status_code == 302
    parcel.refresh_from_db()
    assert parcel.number != "HIJACK" and parcel.version == 1
    for action in ("delete_selected", "merge_selected", "split_in_two"):
        client.post(_url(m.Parcel, "changelist"), {"action": action, "_selected_action": [parcel.pk], "post": "yes"})
    parcel.refresh_from_db()
    assert parcel.valid_to is None and m.Parcel.objects.filter(plan=parcel.plan).count() == 1
    district = setting["b"]["parcels.district"]
    client.post(_url(m.District, "changelist"), {"action": "delete_selected", "_selected_action": [district.pk],
                                                 "post": "yes"})
    assert m.District.objects.filter(pk=district.pk).exists()


def test_a_new_record_cannot_be_put_in_another_municipality(setting):
    client = setting["client"]
    b = setting["b"]["accounts.municipality"]
    response = client.post(_url(m.District, "add"), {"municipality": b.pk, "code": "X1", "name_ar": "حي",
                                                    "geom": rect(0, 0, 10, 10).geojson})
    assert response.status_code == 200  # the form again, with the error on the municipality field
    assert "municipality" in response.context["adminform"].form.errors
    assert not m.District.objects.filter(code="X1").exists()


def test_autocomplete_offers_only_the_users_municipality(setting):
    client = setting["client"]
    response = client.get(reverse("admin:autocomplete"), {"app_label": "parcels", "model_name": "parcel",
                                                         "field_name": "plan", "term": ""})
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert setting["a"]["parcels.subdivisionplan"].pk in ids
    assert setting["b"]["parcels.subdivisionplan"].pk not in ids


def test_the_admin_maps_context_shows_only_the_users_municipality(setting):
    client = setting["client"]
    x0, y0, x1, y1 = rect(-1000, -1000, 1000, 1000).extent
    body = client.get(reverse("geo:context"), {"bbox": f"{x0},{y0},{x1},{y1}"}).json()
    ids = {f["id"] for f in body["features"]}
    assert f"parcels.{setting['a']['parcels.parcel'].pk}" in ids
    assert f"parcels.{setting['b']['parcels.parcel'].pk}" not in ids
    assert setting["b"]["parcels.parcel"].deed_number not in json.dumps(body)


def test_a_superuser_still_sees_every_municipality(db, django_user_model, client):
    a, b = MunicipalityFactory(), MunicipalityFactory()
    root = django_user_model.objects.create_superuser("root", password="pw")
    client.force_login(root)
    response = client.get(_url(m.Municipality, "changelist"))
    assert {a.pk, b.pk} <= {obj.pk for obj in response.context["cl"].result_list}


def test_every_admin_page_answers_a_superuser(db, django_user_model, client):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    for model in admin.site._registry:
        for view in ("changelist", "add"):
            assert client.get(_url(model, view)).status_code in (200, 403), (model, view)  # 403: history is read-only


def test_a_role_holds_only_declared_permissions_and_a_person_is_a_person(db, django_user_model, client):
    from accounts.models import Person, Role

    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    response = client.post(_url(Role, "add"), {"code": "x_role", "name_ar": "دور", "name_en": "X",
                                              "permissions": "registers.read,no.such"})
    assert "no.such" in str(response.context["adminform"].form.errors)
    assert not Role.objects.filter(code="x_role").exists()
    client.post(_url(Person, "add"), {"name_ar": "محمد", "national_id": "1012345678", "mobile": "+966512345678"})
    person = Person.objects.get(national_id="1012345678")
    assert person.kind == "person" and person.masked_national_id == "1******678"
