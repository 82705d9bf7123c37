"""Writing history. Called by other services inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction

from audit.models import ChangeRecord


def _entity(instance: models.Model) -> str:
    return instance._meta.label_lower


def _actor_fields(actor) -> dict:
    if actor is None or isinstance(actor, str):
        return {"actor": None, "actor_label": actor or "system"}
    return {"actor": actor, "actor_label": ""}


@transaction.atomic
def change_record(
    *, instance: models.Model, action: str, actor=None, changes: dict | None = None, note: str = ""
) -> ChangeRecord:
    """Record one change of ``instance``. ``actor`` is a user or a label such as "import"."""
    return ChangeRecord.objects.create(
        municipality_id=_municipality_id(instance),
        entity=_entity(instance),
        object_id=instance.pk,
        action=action,
        changes=changes or {},
        note=note,
        **_actor_fields(actor),
    )


@transaction.atomic
def change_records_bulk(
    *, instances: Iterable[models.Model], action: str, actor=None, note: str = ""
) -> int:
    rows = [
        ChangeRecord(
            municipality_id=_municipality_id(i),
            entity=_entity(i),
            object_id=i.pk,
            action=action,
            note=note,
            **_actor_fields(actor),
        )
        for i in instances
    ]
    ChangeRecord.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _municipality_id(instance: models.Model) -> int:
    # The municipality is its own tenant; every other model carries the key.
    if instance._meta.label_lower == "accounts.municipality":
        return instance.pk
    return instance.municipality_id
