"""Creating and editing register records (lineage operations are in ``lineage``)."""

from __future__ import annotations

from django.contrib.gis.geos import GEOSGeometry
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import REGISTERS_WRITE
from accounts.selectors import require_permission
from audit.models import ChangeRecord
from audit.services import change_record
from common.versions import check_version
from geo.changes import geometry_changed
from geo.validation import validate_geometry
from parcels.models import Parcel
from parcels.services.errors import RegisterError
from parcels.services.snapshot import diff, snapshot
from parcels.services.topology import assert_no_overlap

_KINDS = {
    "POINT": "Point",
    "MULTIPOINT": "MultiPoint",
    "LINESTRING": "LineString",
    "MULTILINESTRING": "MultiLineString",
    "POLYGON": "Polygon",
    "MULTIPOLYGON": "MultiPolygon",
}


def _tenant_of(instance: models.Model) -> int | None:
    return instance.pk if isinstance(instance, Municipality) else instance.municipality_id


def geometry_field(model: type[models.Model]) -> models.Field:
    return next(f for f in model._meta.concrete_fields if hasattr(f, "geom_type"))


def checked_geometry(*, instance: models.Model, geom: GEOSGeometry | None) -> GEOSGeometry:
    """Validate a record's geometry; everything but the municipality must lie inside its municipality."""
    field = geometry_field(type(instance))
    kind = _KINDS[field.geom_type]
    if isinstance(instance, Municipality):
        return validate_geometry(geom, kind=kind)
    muni = Municipality.objects.only("boundary", "name_ar").get(pk=instance.municipality_id)
    return validate_geometry(geom, kind=kind, within=muni.boundary, within_name=muni.name_ar)


@transaction.atomic
def record_save(*, instance: models.Model, actor, expected_version: int | None = None) -> models.Model:
    """Save a new or edited register record (not a parcel) with checks and history."""
    if isinstance(instance, Parcel):
        raise TypeError("use parcel_create / parcel_update for parcels: they check topology")
    require_permission(actor=actor, permission=REGISTERS_WRITE, municipality_id=_tenant_of(instance))
    field = geometry_field(type(instance))
    setattr(instance, field.attname, checked_geometry(instance=instance, geom=getattr(instance, field.attname)))
    # Field values, uniqueness (e.g. plan numbers per municipality) and check constraints, as messages
    # rather than an IntegrityError; the geometry was checked above.
    instance.full_clean(exclude=[field.name])
    if instance.pk is None:
        instance.save()
        change_record(instance=instance, action=ChangeRecord.Action.CREATE, actor=actor, changes=_created(instance))
        geometry_changed(model=type(instance), new=getattr(instance, field.attname))
        return instance
    before_obj = type(instance).objects.select_for_update().get(pk=instance.pk)
    check_version(before_obj, expected_version)
    changes = diff(snapshot(before_obj), snapshot(instance))
    if changes:
        instance.version = before_obj.version + 1
        instance.save()
        change_record(instance=instance, action=ChangeRecord.Action.UPDATE, actor=actor, changes=changes)
        # Maps show attributes too: any change refreshes the tiles of the old and new extent.
        geometry_changed(
            model=type(instance), old=getattr(before_obj, field.attname), new=getattr(instance, field.attname)
        )
    return instance


def _created(instance: models.Model) -> dict:
    return {k: [None, v] for k, v in snapshot(instance).items()}


@transaction.atomic
def parcel_create(
    *,
    municipality: Municipality,
    plan,
    number: str,
    land_use: str,
    geom: GEOSGeometry,
    actor,
    block=None,
    status: str = Parcel._meta.get_field("status").default,
    deed_number: str = "",
) -> Parcel:
    require_permission(actor=actor, permission=REGISTERS_WRITE, municipality_id=municipality.pk)
    if plan.municipality_id != municipality.pk:
        raise RegisterError(_("The plan belongs to another municipality."), code="tenant")
    parcel = Parcel(
        municipality=municipality,
        plan=plan,
        block=block,
        number=number.strip(),
        land_use=land_use,
        status=status,
        deed_number=deed_number,
    )
    parcel.geom = checked_geometry(instance=parcel, geom=geom)
    _check_number_free(parcel)
    assert_no_overlap(municipality_id=municipality.pk, geoms=[parcel.geom], exclude_ids=())
    parcel.full_clean(exclude=["geom", "parents"], validate_constraints=False)
    parcel.save()
    change_record(instance=parcel, action=ChangeRecord.Action.CREATE, actor=actor, changes=_created(parcel))
    geometry_changed(model=Parcel, new=parcel.geom)
    return parcel


_EDITABLE = {"number", "land_use", "status", "deed_number", "block", "geom"}


@transaction.atomic
def parcel_update(*, parcel: Parcel, actor, expected_version: int | None = None, **fields) -> Parcel:
    """Edit attributes and/or geometry of a current parcel; a new geometry must not overlap neighbours."""
    require_permission(actor=actor, permission=REGISTERS_WRITE, municipality_id=parcel.municipality_id)
    unknown = set(fields) - _EDITABLE
    if unknown:
        raise RegisterError(_("These fields cannot be edited: %(f)s") % {"f": ", ".join(sorted(unknown))})
    locked = Parcel.objects.select_for_update().get(pk=parcel.pk)
    if locked.valid_to is not None:
        raise RegisterError(_("Parcel %(p)s is retired and cannot be edited.") % {"p": locked}, code="retired")
    check_version(locked, expected_version)
    before = snapshot(locked)
    if "geom" in fields:  # check (and promote Polygon -> MultiPolygon) before it touches the model
        fields["geom"] = checked_geometry(instance=locked, geom=fields["geom"])
        assert_no_overlap(municipality_id=locked.municipality_id, geoms=[fields["geom"]], exclude_ids=[locked.pk])
    for name, value in fields.items():
        setattr(locked, name, value)
    if "number" in fields:
        locked.number = locked.number.strip()
        _check_number_free(locked)
    changes = diff(before, snapshot(locked))
    if changes:
        locked.version += 1
        locked.full_clean(exclude=["geom", "parents"], validate_constraints=False)
        locked.save()
        change_record(instance=locked, action=ChangeRecord.Action.UPDATE, actor=actor, changes=changes)
        geometry_changed(model=Parcel, old=before["geom"], new=locked.geom)
    return locked


def _check_number_free(parcel: Parcel) -> None:
    if not parcel.number:
        raise RegisterError(_("A parcel needs a number."), code="number")
    taken = (
        Parcel.objects.filter(plan_id=parcel.plan_id, number=parcel.number, valid_to__isnull=True)
        .exclude(pk=parcel.pk)
        .exists()
    )
    if taken:
        raise RegisterError(
            _("Plan %(plan)s already has a current parcel number %(n)s.") % {"plan": parcel.plan, "n": parcel.number},
            code="duplicate_number",
        )


@transaction.atomic
def record_delete(*, instance: models.Model, actor, expected_version: int | None) -> None:
    """Delete a register record (retire, for a parcel) with history.

    A parcel is never deleted (its lineage must stay answerable): it is retired.
    Other records go, unless something still depends on them (e.g. a plan with parcels).
    """
    require_permission(actor=actor, permission=REGISTERS_WRITE, municipality_id=_tenant_of(instance))
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
    values = dict(data)
    geom = values.pop("geometry", None)
    instance = model(municipality=municipality, **values)
    instance.geom = checked_geometry(instance=instance, geom=geom)
    return record_save(instance=instance, actor=actor)


def register_record_update(*, instance, data: dict, actor, expected_version: int):
    """Edit a non-parcel register record; ``record_save`` checks the version again under a row lock."""
    for name, value in data.items():
        if name == "geometry":
            instance.geom = checked_geometry(instance=instance, geom=value)
        else:
            setattr(instance, name, value)
    return record_save(instance=instance, actor=actor, expected_version=expected_version)
