"""The served pages: home (Arabic first), admin with an offline map, context features."""

import re

import pytest
from django.contrib.gis.geos import MultiPolygon
from django.contrib.staticfiles import finders
from django.urls import reverse

from audit.selectors import history_for
from parcels.models import Parcel
from tests.factories import ParcelFactory
from tests.shapes import bowtie, rect

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.invalid", "pw")
    client.force_login(user)
    return user


def test_home_is_arabic_rtl_by_default_and_english_on_request(client, plan):
    page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert plan.municipality.name_ar in html
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'dir="ltr"' in english and plan.municipality.name_en in english


def test_health_reports_postgis(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["postgis"].startswith("3.")


@pytest.mark.parametrize("model", ["municipality", "district", "subdivisionplan", "block", "parcel", "street",
                                   "zone", "zoningregulation"])
def test_admin_changelists(client, staff, plan, model):
    ParcelFactory(plan=plan)
    app = "accounts" if model == "municipality" else "parcels"  # the tenant lives in the core (accounts/)
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == 200


def test_admin_map_needs_no_internet(client, staff, plan):
    parcel = ParcelFactory(plan=plan)
    html = client.get(reverse("admin:parcels_parcel_change", args=[parcel.pk])).content.decode()
    assert "/static/vendor/ol/ol.js" in html and "/static/vendor/ol/ol.css" in html
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []
    assert "cdn." not in html and "earthdata" not in html and "openstreetmap" not in html
    assert finders.find("vendor/ol/ol.js") and finders.find("vendor/ol/ol.css")


def _post_parcel(client, plan, geom, number="77"):
    return client.post(reverse("admin:parcels_parcel_add"), {
        "municipality": plan.municipality.pk, "plan": plan.pk, "number": number, "land_use": "residential",
        "status": "vacant", "deed_number": "", "geom": geom.transform(3857, clone=True).geojson,
    })


def test_admin_refuses_invalid_geometry_with_a_message(client, staff, plan):
    response = _post_parcel(client, plan, bowtie(0, 0, 30))
    assert response.status_code == 200  # the form again, not a 500
    assert "Self-intersection" in response.content.decode()
    assert not Parcel.objects.exists()


def test_admin_refuses_overlap_and_saves_good_parcels_with_history(client, staff, plan):
    response = _post_parcel(client, plan, rect(0, 0, 20, 30))
    assert response.status_code == 302
    parcel = Parcel.objects.get(number="77")
    assert history_for(instance=parcel).get().actor == staff
    response = _post_parcel(client, plan, rect(10, 0, 30, 30), number="78")
    assert response.status_code == 200 and "77" in response.content.decode()
    assert not Parcel.objects.filter(number="78").exists()


def test_admin_merge_action(client, staff, plan):
    a = ParcelFactory(plan=plan, geom=rect(0, 0, 20, 30))
    b = ParcelFactory(plan=plan, geom=rect(20, 0, 40, 30))
    client.post(reverse("admin:parcels_parcel_changelist"),
                {"action": "merge_selected", "_selected_action": [a.pk, b.pk]})
    merged = Parcel.objects.get(valid_to__isnull=True)
    assert {p.pk for p in merged.parents.all()} == {a.pk, b.pk}
    assert isinstance(merged.geom, MultiPolygon)


def test_context_features_for_the_admin_map(client, staff, plan):
    inside = ParcelFactory(plan=plan, geom=rect(0, 0, 20, 30))
    ParcelFactory(plan=plan, geom=rect(2000, 2000, 2020, 2030))
    x0, y0, x1, y1 = rect(-50, -50, 100, 100).extent
    body = client.get(reverse("geo:context"), {"bbox": f"{x0},{y0},{x1},{y1}"}).json()
    assert [f["id"] for f in body["features"]] == [f"parcels.{inside.pk}"]
    assert body["features"][0]["geometry"]["type"] == "MultiPolygon"


@pytest.mark.parametrize("bbox", ["", "1,2,3", "a,b,c,d", "10,10,5,5", "0,0,200,10", "1,1,1,1); DROP TABLE x"])
def test_context_bbox_errors_are_400(client, staff, bbox):
    response = client.get(reverse("geo:context"), {"bbox": bbox})
    assert response.status_code == 400 and response.content


def test_context_is_staff_only(client):
    response = client.get(reverse("geo:context"), {"bbox": "43,25,43.1,25.1"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_every_user_facing_string_is_translated_to_arabic(tmp_path, settings):
    """Extract the strings from the code as it is now (makemessages on a copy of the catalogue):
    none may be missing or fuzzy. Fix: run makemessages (see the .po header) and translate."""
    import os
    import shutil
    from pathlib import Path

    from django.core.management import call_command

    root = Path(__file__).resolve().parents[2]
    # makemessages writes where the sources are: work on a copy so the repository is never touched.
    src = tmp_path / "src"
    shutil.copytree(root, src, ignore=shutil.ignore_patterns(
        ".venv", "node_modules", ".data", ".git", "tests", "bench", "docs", "__pycache__", "*.mo"))
    settings.LOCALE_PATHS = [src / "locale"]
    cwd = os.getcwd()
    os.chdir(src)
    try:
        call_command("makemessages", locale=["ar"], verbosity=0)
    finally:
        os.chdir(cwd)
    po = (src / "locale/ar/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = [e for e in po.split("\n\n")[1:] if "msgid" in e and not e.lstrip().startswith("#~")]
    untranslated = [e for e in entries if e.rstrip().endswith('msgstr ""') or "#, fuzzy" in e]
    assert untranslated == []
    assert len(entries) > 200


def test_model_names_and_errors_in_arabic(client, plan):
    from django.utils import translation

    from geo.validation import GeometryError, validate_geometry

    with translation.override("ar"):
        assert str(Parcel._meta.verbose_name_plural) == "قطع الأراضي"
        with pytest.raises(GeometryError) as exc:
            validate_geometry(bowtie(), kind="MultiPolygon")
        assert "الشكل الهندسي غير صالح" in exc.value.messages[0]
    assert "البلديات" in client.get("/").content.decode()
    assert "Municipalities" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_admin_refuses_a_stale_edit(client, staff, plan):
    from parcels.services import parcel_update

    parcel = ParcelFactory(plan=plan, geom=rect(0, 0, 20, 30))
    form_version = parcel.version
    parcel_update(parcel=parcel, actor=staff, status="built")  # someone else saves first
    response = client.post(reverse("admin:parcels_parcel_change", args=[parcel.pk]), {
        "block": "", "number": parcel.number, "land_use": "commercial", "status": "vacant", "deed_number": "",
        "geom": parcel.geom.transform(3857, clone=True).geojson, "expected_version": form_version,
    })
    assert response.status_code == 200 and "عدّل مستخدم آخر هذا السجل" in response.content.decode()
    parcel.refresh_from_db()
    assert (parcel.status, parcel.land_use) == ("built", "residential")


def test_admin_refusal_at_save_time_is_a_message_not_a_500(transactional_db, client, staff, plan, monkeypatch):
    """Another editor commits between the form's checks and the save: the save's own check refuses it."""
    from django.db import connections

    from parcels.admin import RegisterForm

    parcel = ParcelFactory(plan=plan, geom=rect(0, 0, 20, 30))
    checked = RegisterForm.clean

    def clean_then_someone_else_saves(form):
        cleaned = checked(form)
        other = connections.create_connection("default")  # a second session, committing on its own
        try:
            with other.cursor() as cursor:
                cursor.execute("UPDATE parcels_parcel SET version = version + 1, status = 'built' WHERE id = %s",
                               [parcel.pk])
            other.commit()
        finally:
            other.close()
        return cleaned

    monkeypatch.setattr(RegisterForm, "clean", clean_then_someone_else_saves)
    url = reverse("admin:parcels_parcel_change", args=[parcel.pk])
    response = client.post(url, {
        "block": "", "number": parcel.number, "land_use": "commercial", "status": "vacant", "deed_number": "",
        "geom": parcel.geom.transform(3857, clone=True).geojson, "expected_version": parcel.version,
    })
    assert response.status_code == 302 and response["Location"] == url
    assert "عدّل مستخدم آخر هذا السجل" in client.get(url).content.decode()
    parcel.refresh_from_db()
    assert (parcel.status, parcel.land_use, parcel.version) == ("built", "residential", 2)
