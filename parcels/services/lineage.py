"""Parcel lineage: split and merge.

Old parcels are retired (``valid_to`` set), never deleted; new parcels point at
them through ``parents``. Every result is checked: valid geometry, not a sliver,
no overlap with current neighbours. Otherwise the service refuses with a reason.
"""

from __future__ import annotations

import shapely
from django.contrib.gis.geos import GEOSGeometry, LineString
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyproj import Geod
from shapely.geometry import MultiPolygon as ShMultiPolygon
from shapely.geometry import Polygon as ShPolygon

from accounts.permissions import PARCELS_LINEAGE
from accounts.selectors import require_permission
from audit.models import ChangeRecord
from audit.services import change_record
from common.versions import check_version
from geo.changes import geometry_changed
from geo.crs import storage_srid
from geo.validation import validate_geometry
from parcels.models import Parcel
from parcels.services.cutting import split_by_line, split_equal_area
from parcels.services.errors import RegisterError, TopologyError
from parcels.services.snapshot import snapshot
from parcels.services.topology import assert_no_overlap

# A piece smaller than this is a sliver from a badly drawn line, not a parcel.
MIN_PARCEL_AREA_M2 = 10.0
MAX_SPLIT_PARTS = 50
_GEOD = Geod(ellps="WGS84")


def _area_m2(geom) -> float:
    return abs(_GEOD.geometry_area_perimeter(geom)[0])


def _to_geos(geom) -> GEOSGeometry:
    if isinstance(geom, ShPolygon):
        geom = ShMultiPolygon([geom])
    return GEOSGeometry(memoryview(shapely.to_wkb(geom)), srid=storage_srid())


def _lock_current(parcels: list[Parcel]) -> list[Parcel]:
    ids = sorted({p.pk for p in parcels})
    locked = list(Parcel.objects.select_for_update().filter(pk__in=ids).order_by("pk").select_related("plan"))
    if len(locked) != len(ids):
        raise RegisterError(_("A parcel no longer exists."), code="missing")
    retired = [p for p in locked if p.valid_to is not None]
    if retired:
        raise RegisterError(
            _("Parcel %(p)s is already retired.") % {"p": retired[0]}, code="retired"
        )
    return locked


def _create_children(*, parents: list[Parcel], shapes, numbers: list[str], template: dict, actor, now, action):
    taken = set(
        Parcel.objects.filter(plan_id=template["plan_id"], valid_to__isnull=True, number__in=numbers).values_list(
            "number", flat=True
        )
    )
    if taken or len(set(numbers)) != len(numbers):
        raise RegisterError(
            _("Parcel number(s) already in use in this plan: %(n)s") % {"n": ", ".join(sorted(taken or numbers))},
            code="duplicate_number",
        )
    children = []
    for shape, number in zip(shapes, numbers, strict=True):
        child = Parcel(number=number, geom=_to_geos(shape), valid_from=now, **template)
        child.save()
        child.parents.set(parents)
        children.append(child)
        change_record(
            instance=child,
            action=ChangeRecord.Action.CREATE,
            actor=actor,
            changes={k: [None, v] for k, v in snapshot(child).items()},
            note=_("from %(action)s of %(parents)s") % {"action": action, "parents": ", ".join(map(str, parents))},
        )
    return children


def _retire(parents: list[Parcel], *, now, actor, action: str, children: list[Parcel]) -> None:
    for parent in parents:
        parent.valid_to = now
        parent.version += 1
        parent.save(update_fields=["valid_to", "version", "updated_at"])
        change_record(
            instance=parent,
            action=action,
            actor=actor,
            changes={"valid_to": [None, now.isoformat()], "children": [None, [c.pk for c in children]]},
        )
        geometry_changed(model=Parcel, old=parent.geom)  # the children lie inside their parents


def _check_pieces(pieces, parent_label: str) -> None:
    for piece in pieces:
        if not piece.is_valid:
            raise TopologyError(_("A resulting piece of %(p)s is not a valid shape.") % {"p": parent_label})
        area = _area_m2(piece)
        if area < MIN_PARCEL_AREA_M2:
            pt = piece.representative_point()
            raise TopologyError(
                _("A resulting piece of %(p)s would be %(a).1f m², below the %(min)d m² minimum (at %(x).7f, %(y).7f).")
                % {"p": parent_label, "a": area, "min": MIN_PARCEL_AREA_M2, "x": pt.x, "y": pt.y}
            )


@transaction.atomic
def parcel_split(
    *,
    parcel: Parcel,
    actor,
    line: LineString | None = None,
    parts: int | None = None,
    numbers: list[str] | None = None,
    expected_version: int | None = None,
) -> list[Parcel]:
    """Split a current parcel by a line across it, or into ``parts`` pieces of equal area."""
    require_permission(actor=actor, permission=PARCELS_LINEAGE, municipality_id=parcel.municipality_id)
    if (line is None) == (parts is None):
        raise RegisterError(_("Give either a cutting line or a number of parts."), code="arguments")
    (parent,) = _lock_current([parcel])
    check_version(parent, expected_version)
    shape = shapely.from_wkb(bytes(parent.geom.wkb))
    if line is not None:
        line = validate_geometry(line, kind="LineString")
        pieces = split_by_line(shape, shapely.from_wkb(bytes(line.wkb)))
        if len(pieces) < 2:
            raise TopologyError(
                _("The line does not cut parcel %(p)s in two: it must cross it from edge to edge.") % {"p": parent}
            )
    else:
        if not 2 <= parts <= MAX_SPLIT_PARTS:
            raise RegisterError(
                _("A parcel can be split into 2 to %(max)d parts.") % {"max": MAX_SPLIT_PARTS}, code="arguments"
            )
        pieces = split_equal_area(shape, parts)
    _check_pieces(pieces, str(parent))
    numbers = numbers or [f"{parent.number}/{i}" for i in range(1, len(pieces) + 1)]
    if len(numbers) != len(pieces):
        raise RegisterError(
            _("The split gives %(n)d parcels but %(m)d numbers were given.") % {"n": len(pieces), "m": len(numbers)},
            code="arguments",
        )
    # Children sit inside the parent, but check anyway: the parent may predate the rule.
    now = timezone.now()
    template = {
        "municipality_id": parent.municipality_id,
        "plan_id": parent.plan_id,
        "block_id": parent.block_id,
        "land_use": parent.land_use,
        "status": parent.status,
    }
    assert_no_overlap(
        municipality_id=parent.municipality_id, geoms=[_to_geos(p) for p in pieces], exclude_ids=[parent.pk]
    )
    _retire_first([parent], now)
    children = _create_children(
        parents=[parent], shapes=pieces, numbers=numbers, template=template, actor=actor, now=now, action=_("split")
    )
    _retire([parent], now=now, actor=actor, action=ChangeRecord.Action.SPLIT, children=children)
    return children


def _retire_first(parents: list[Parcel], now) -> None:
    # Free the parents' numbers before children take theirs (the unique index covers current parcels).
    Parcel.objects.filter(pk__in=[p.pk for p in parents]).update(valid_to=now)


@transaction.atomic
def parcel_merge(
    *,
    parcels: list[Parcel],
    actor,
    number: str | None = None,
    land_use: str | None = None,
    expected_versions: dict[int, int] | None = None,
) -> Parcel:
    """Merge adjacent current parcels of one plan into one parcel."""
    if len({p.pk for p in parcels}) < 2:
        raise RegisterError(_("Select at least two parcels to merge."), code="arguments")
    locked = _lock_current(parcels)
    for p in locked:
        check_version(p, (expected_versions or {}).get(p.pk))
    plans = {p.plan_id for p in locked}
    if len(plans) != 1 or len({p.municipality_id for p in locked}) != 1:
        raise RegisterError(_("Only parcels of the same plan can be merged."), code="plan")
    require_permission(actor=actor, permission=PARCELS_LINEAGE, municipality_id=locked[0].municipality_id)
    shapes = [shapely.from_wkb(bytes(p.geom.wkb)) for p in locked]
    merged = shapely.union_all(shapes)
    if not isinstance(merged, ShPolygon):
        parts = list(merged.geoms)
        lonely = [str(p) for p, s in zip(locked, shapes, strict=True) if not s.intersects(parts[0])]
        raise TopologyError(
            _("The parcels are not adjacent: %(p)s share no edge with the rest.") % {"p": ", ".join(lonely)}
        )
    # Survey rounding can leave hairline holes where edges did not quite meet: close those.
    holes = [h for h in merged.interiors if _area_m2(ShPolygon(h)) >= MIN_PARCEL_AREA_M2]
    merged = ShPolygon(merged.exterior, holes)
    uses = {p.land_use for p in locked}
    if land_use is None:
        if len(uses) > 1:
            raise RegisterError(
                _("The parcels have different land uses (%(u)s): choose one for the merged parcel.")
                % {"u": ", ".join(sorted(uses))},
                code="land_use",
            )
        land_use = uses.pop()
    now = timezone.now()
    blocks = {p.block_id for p in locked}
    template = {
        "municipality_id": locked[0].municipality_id,
        "plan_id": locked[0].plan_id,
        "block_id": blocks.pop() if len(blocks) == 1 else None,
        "land_use": land_use,
        "status": locked[0].status if len({p.status for p in locked}) == 1 else Parcel.status.field.default,
    }
    number = (number or "+".join(sorted((p.number for p in locked), key=_natural)))[:32]
    assert_no_overlap(
        municipality_id=template["municipality_id"], geoms=[_to_geos(merged)], exclude_ids=[p.pk for p in locked]
    )
    _retire_first(locked, now)
    (child,) = _create_children(
        parents=locked, shapes=[merged], numbers=[number], template=template, actor=actor, now=now, action=_("merge")
    )
    _retire(locked, now=now, actor=actor, action=ChangeRecord.Action.MERGE, children=[child])
    return child


def _natural(number: str):
    return (len(number), number)
