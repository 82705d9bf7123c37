"""Writes of people and access: issuing API keys (memberships and parties are written in the admin for now)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import ApiKey, Membership, Role, Scope
from accounts.roles import roles_sync

TOKEN_PREFIX = "ardh_"  # noqa: S105 - a label, not a secret


def hash_secret(secret: str) -> str:
    # The secret is 32 random bytes: a fast hash is enough (no dictionary to guess from). The key lookup
    # compares it in the database (api.access.find_active_key).
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, municipality, name: str, scopes: list[str], actor=None, rate_per_minute: int = 600):
    """Issue a key; returns (key, token). The token is shown once and never stored."""
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValueError(f"unknown scopes: {sorted(unknown)}")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        municipality=municipality,
        name=name,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        scopes=sorted(set(scopes)),
        rate_per_minute=rate_per_minute,
        created_by=actor,
    )
    return key, f"{TOKEN_PREFIX}{prefix}.{secret}"


KEY_USE_RECORDED_EVERY_S = 60  # last_used_at is written at most this often per key (no write per request)


def api_key_touch(*, key: ApiKey) -> None:
    """Record use, at most once a minute (no write per request)."""
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > KEY_USE_RECORDED_EVERY_S:
        api_key_record_use(key_id=key.pk, at=now)
        key.last_used_at = now


def api_key_record_use(*, key_id: int, at: datetime) -> None:
    """Write a key's last use (callers decide when: ``api_key_touch``, or the key lookup's ``use_due``)."""
    ApiKey.objects.filter(pk=key_id).update(last_used_at=at)


@transaction.atomic
def membership_grant(*, user, municipality, roles: list[str], district_codes: list[str] | tuple = (),
                     actor=None) -> Membership:
    """Give ``user`` these roles (codes) in ``municipality`` (replacing the roles they held there), optionally
    limited to some districts. Unknown role codes are refused, naming them."""
    if Role.objects.filter(code__in=roles).count() < len(set(roles)):
        roles_sync()  # the catalogue's roles exist even where a test flushed the seeded rows
    found = {r.code: r for r in Role.objects.filter(code__in=roles)}
    unknown = sorted(set(roles) - set(found))
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(unknown)}")
    membership, _ = Membership.objects.update_or_create(
        user=user, municipality=municipality, defaults={"district_codes": list(district_codes), "is_active": True}
    )
    membership.roles.set(found.values())
    return membership
