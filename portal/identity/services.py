"""Registering and signing in by a one-time code sent to the mobile (decision 034).

The answer to asking for a code never depends on whether the ID exists: a row is written either way (to the
mobile on record, to the number given for a new registration, or to nobody), the same page follows, and checking
a code costs the same. Only the holder of the mobile on record can finish: someone registering another person's
known ID with their own number gets a code sent to that person's phone, not theirs."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Person
from notifications.services import Recipient, notification_send
from portal.identity.models import CodePurpose, SignInCode

MAX_WRONG = 5
NATIONAL_ID = re.compile(r"[12][0-9]{9}")


class CodeRefused(ValueError):
    """Why a code was not accepted (a sentence for the person, in their language)."""


def valid_national_id(value: str) -> bool:
    return bool(NATIONAL_ID.fullmatch(value or ""))


def _key() -> bytes:
    return hashlib.sha256(f"portal-sign-in-code:{settings.SECRET_KEY}".encode()).digest()


def _digest(salt: str, national_id: str, purpose: str, code: str) -> str:
    return hmac.new(_key(), f"{salt}:{national_id}:{purpose}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def code_request(*, municipality, purpose: str, national_id: str, mobile: str = "", name: str = "",
                 address: str | None = None) -> SignInCode:
    """Write a code for ``national_id`` and send it: for a sign-in, to the mobile on record; for a registration,
    to the mobile on record when the ID is known with one, else to ``mobile``. Sends nothing when there is no
    mobile to send to (the row is written all the same)."""
    person = Person.objects.filter(national_id=national_id).only("pk", "mobile", "name_ar", "name_en").first()
    target = person.mobile if person is not None and person.mobile else ""
    if purpose == CodePurpose.REGISTER and not target:
        target = mobile
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(8)
    row = SignInCode.objects.create(
        municipality=municipality, purpose=purpose, national_id=national_id, mobile=target, name=name[:200],
        salt=salt, code_hash=_digest(salt, national_id, purpose, code),
        expires_at=timezone.now() + timedelta(seconds=settings.ARDH_PORTAL_CODE_TTL_S),
        address=address if address and address != "unknown" else None)
    if target:
        who = person.name_ar if person is not None else (name or national_id)
        notification_send(municipality=municipality, template="portal_code", channels=("sms",),
                          recipient=Recipient(name=who, phone=target, language=(get_language() or "ar")[:2]),
                          context={"code": code, "minutes": settings.ARDH_PORTAL_CODE_TTL_S // 60})
    return row


def code_verify(*, purpose: str, national_id: str, code: str) -> Person:
    """The person whose latest code for ``purpose`` is ``code``; registering creates them, and signing in for the
    first time gives them a sign-in. ``CodeRefused`` otherwise (wrong, expired, used, too many wrong answers) —
    a wrong answer is counted (committed) before the refusal."""
    with transaction.atomic():
        row = (SignInCode.objects.select_for_update().filter(national_id=national_id, purpose=purpose)
               .order_by("-created_at", "-pk").first())
        refusal = _refusal(row, national_id, purpose, code)
        if refusal is None:
            row.used_at = timezone.now()
            row.save(update_fields=["used_at", "updated_at"])
            return _person_signing_in(row)
        if refusal == "wrong" and row is not None and row.used_at is None:
            row.attempts += 1
            row.save(update_fields=["attempts", "updated_at"])
    if refusal == "too_many":
        raise CodeRefused(_("Too many wrong codes. Ask for a new one."))
    raise CodeRefused(_("The code is wrong or has expired. Ask for a new one."))


def _refusal(row: SignInCode | None, national_id: str, purpose: str, code: str) -> str | None:
    if row is None or row.used_at is not None or row.expires_at <= timezone.now():
        return "expired"
    if row.attempts >= MAX_WRONG:
        return "too_many"
    matches = hmac.compare_digest(row.code_hash, _digest(row.salt, national_id, purpose, (code or "").strip()))
    return None if matches and row.mobile else "wrong"


def _person_signing_in(row: SignInCode) -> Person:
    now = timezone.now()
    person = Person.objects.select_for_update().filter(national_id=row.national_id).first()
    if person is None:
        person = Person.objects.create(kind="person", national_id=row.national_id, name_ar=row.name or row.national_id,
                                       name_en=row.name if row.name.isascii() else "", mobile=row.mobile,
                                       mobile_verified_at=now)
    else:
        person.mobile = person.mobile or row.mobile
        person.mobile_verified_at = now
        person.save(update_fields=["mobile", "mobile_verified_at"])
    if person.user_id is None:
        users = get_user_model().objects
        user = users.filter(username=f"id{person.national_id}").first() or users.create_user(
            username=f"id{person.national_id}", first_name=person.name_ar[:150])
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        person.user = user
        person.save(update_fields=["user"])
    return person
