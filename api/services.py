"""Writes of the access layer: issuing API keys, and the register writes the core lacks."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiKey, Scope
from audit.models import ChangeRecord
from audit.services import change_record
from parcels.models import Parcel
from parcels.services import RegisterError
from parcels.services.records import check_version, checked_geometry

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
def record_delete(*, instance: models.Model, actor, expected_version: int | None) -> None:
    """Delete a register record (retire, for a parcel) with history.

    A parcel is never deleted (its lineage must stay answerable): it is retired.
    Other records go, unless something still depends on them (e.g. a plan with parcels).
    """
    locked = type(instance).objects.select_for_update().get(pk=instance.pk)
    check_version(locked, expected_version)
    if isinstance(locked, Parcel):
        if locked.valid_to is not None:
            raise RegisterError(_("Parcel %(p)s is already retired.") % {"p": locked}, code="retired")
        now = timezone.now()
        locked.valid_to = now
        locked.version += 1
        locked.save(update_fields=["valid_to", "version", "updated_at"])
        changes = {"valid_to": [None, now.isoformat()]}
        change_record(instance=locked, action=ChangeRecord.Action.RETIRE, actor=actor, changes=changes)
        return
    change_record(instance=locked, action=ChangeRecord.Action.DELETE, actor=actor, changes={})
    try:
        with transaction.atomic():
            locked.delete()
    except ProtectedError as exc:
        raise RegisterError(
            _("%(record)s cannot be deleted: %(n)d other records depend on it.")
            % {"record": locked, "n": len(exc.protected_objects)},
            code="protected",
        ) from None


def register_record_create(*, model, municipality, data: dict, actor):
    """Create a non-parcel register record (plan, zone, district, street) through ``record_save``."""
    from parcels.services import record_save

    values = dict(data)
    geom = values.pop("geometry", None)
    instance = model(municipality=municipality, **values)
    instance.geom = checked_geometry(instance=instance, geom=geom)
    return record_save(instance=instance, actor=actor)


def register_record_update(*, instance, data: dict, actor, expected_version: int):
    """Edit a non-parcel register record; ``record_save`` checks the version again under a row lock."""
    from parcels.services import record_save

    for name, value in data.items():
        if name == "geometry":
            instance.geom = checked_geometry(instance=instance, geom=value)
        else:
            setattr(instance, name, value)
    return record_save(instance=instance, actor=actor, expected_version=expected_version)
