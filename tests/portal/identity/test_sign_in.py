"""Registering and signing in on the portal with a one-time code to the mobile: codes expire, are used once, die
after five wrong answers; limits per address and per ID answer 429 with Retry-After; and every answer is the same
whether the ID exists or not."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Person
from notifications.models import Delivery
from portal.identity.models import SignInCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(db):
    from tests.factories import MunicipalityFactory

    return MunicipalityFactory(short_code="RAS")


@pytest.fixture
def known(town):
    return Person.objects.create(kind="person", name_ar="منيرة الشمري", name_en="Munirah", national_id="1000000302",
                                 mobile="+966500000302")


def sms_code(mobile: str) -> str | None:
    body = (Delivery.objects.filter(address=mobile, notification__template="portal_code").order_by("-id")
            .values_list("body", flat=True).first())
    found = re.search(r"\b(\d{6})\b", body or "")
    return found.group(1) if found else None


def ask(client, national_id, **extra):
    return client.post("/portal/sign-in/", {"national_id": national_id, "next": "/portal/services/"}, **extra)


def test_a_known_person_signs_in_with_the_code_sent_to_their_mobile(client, known, town):
    response = ask(client, known.national_id)
    assert response.status_code == 302 and response["Location"] == "/portal/code/"
    code = sms_code(known.mobile)
    assert code and SignInCode.objects.get().code_hash != code  # only its HMAC is kept
    before = client.session.session_key
    response = client.post("/portal/code/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/portal/services/"
    known.refresh_from_db()
    assert known.user is not None and known.mobile_verified_at is not None
    assert client.session.session_key != before and int(client.session["_auth_user_id"]) == known.user_id
    # The code is used once.
    client.logout()
    ask(client, known.national_id)
    SignInCode.objects.filter(used_at__isnull=True).delete()
    assert client.post("/portal/code/", {"code": code}).status_code == 400


def test_a_wrong_then_an_expired_code_are_refused_in_the_readers_language(client, known, town):
    ask(client, known.national_id)
    code = sms_code(known.mobile)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = client.post("/portal/code/", {"code": wrong}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "The code is wrong or has expired" in response.content.decode()
    SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post("/portal/code/", {"code": code})
    assert response.status_code == 400 and "الرمز غير صحيح" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_wrong_answers_kill_the_code(client, known, town):
    ask(client, known.national_id)
    code = sms_code(known.mobile)
    for _ in range(5):
        client.post("/portal/code/", {"code": "000000" if code != "000000" else "111111"})
    response = client.post("/portal/code/", {"code": code}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Too many wrong codes" in response.content.decode()


def _page(response) -> str:
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_an_unknown_id_is_answered_exactly_as_a_known_one(client, known, town):
    a = ask(client, known.national_id)
    page_known = _page(client.get("/portal/code/"))
    other = client.__class__()
    b = ask(other, "1999999990")
    page_unknown = _page(other.get("/portal/code/"))
    assert (a.status_code, a["Location"]) == (b.status_code, b["Location"])
    assert page_known == page_unknown
    assert SignInCode.objects.filter(national_id="1999999990", mobile="").exists()  # written, sent nowhere
    assert not Delivery.objects.filter(notification__template="portal_code").exclude(address=known.mobile).exists()
    wrong_known = other.post("/portal/code/", {"code": "123456"})
    assert wrong_known.status_code == 400


def test_registering_a_new_person_verifies_their_mobile(client, town):
    response = client.post("/portal/register/", {"national_id": "2100000123", "name": "Imran Qureshi",
                                                 "mobile": "0551234567"})
    assert response.status_code == 302
    code = sms_code("+966551234567")
    client.post("/portal/code/", {"code": code})
    person = Person.objects.get(national_id="2100000123")
    assert person.mobile == "+966551234567" and person.mobile_verified_at and person.user_id
    assert person.name_en == "Imran Qureshi"


def test_registering_a_known_id_sends_the_code_to_the_mobile_on_record(client, known, town):
    client.post("/portal/register/", {"national_id": known.national_id, "name": "Someone Else",
                                      "mobile": "0559999999"})
    assert sms_code("+966559999999") is None and sms_code(known.mobile)


def test_bad_input_is_named(client, town):
    response = client.post("/portal/register/", {"national_id": "3", "name": "x", "mobile": "12"},
                           HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 400
    assert all(f'data-field="{f}"' in html for f in ("national_id", "name", "mobile"))
    assert not SignInCode.objects.exists()


def test_codes_are_limited_per_id_and_per_address(client, known, town):
    for _ in range(3):
        assert ask(client, known.national_id).status_code == 302
    refused = ask(client, known.national_id, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many attempts" in refused.content.decode()
    # Another ID from the same address: allowed until the address's own limit.
    statuses = [ask(client, f"11000000{i:02d}", REMOTE_ADDR="10.0.0.9").status_code for i in range(11)]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429


def test_next_must_stay_on_this_site(client, known, town):
    client.post("/portal/sign-in/", {"national_id": known.national_id, "next": "https://evil.example/"})
    response = client.post("/portal/code/", {"code": sms_code(known.mobile)})
    assert response["Location"] == "/portal/transactions/"


def test_the_outbox_shows_sms_to_anyone_only_in_the_demo(client, known, town, settings):
    ask(client, known.national_id)
    settings.ARDH_OUTBOX_PUBLIC = False
    assert client.get("/outbox/").status_code == 302  # to sign in
    settings.ARDH_OUTBOX_PUBLIC = True
    html = client.get("/outbox/").content.decode()
    assert 'data-test="demo-outbox"' in html and sms_code(known.mobile) in html
