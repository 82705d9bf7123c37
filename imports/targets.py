"""What an import writes: parcels (the default) or blocks. Both are keyed by (plan, number)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from imports.errors import ImportRefused


@dataclass(frozen=True)
class Target:
    name: str
    table: str
    entity: str  # audit.ChangeRecord.entity
    fields: tuple[str, ...]  # what the field mapping may fill
    current: str  # SQL condition on alias p: the record is current
    old_attrs: str  # SQL: the current record's land_use, status, deed_number (or NULLs)
    retires: bool  # the file is authoritative for its plans: records missing from it retire


PARCELS = Target(
    name="parcels", table="parcels_parcel", entity="parcels.parcel",
    fields=("plan_number", "number", "land_use", "status", "deed_number"),
    current="p.valid_to IS NULL", old_attrs="p.land_use, p.status, p.deed_number", retires=True,
)
# Blocks have no validity period and parcels point to them (PROTECT): an import adds and reshapes
# blocks but never removes one; a block missing from the file is left as it is.
BLOCKS = Target(
    name="blocks", table="parcels_block", entity="parcels.block", fields=("plan_number", "number"),
    current="true", old_attrs="NULL::text, NULL::text, NULL::text", retires=False,
)
TARGETS = {t.name: t for t in (PARCELS, BLOCKS)}


def get_target(name: str) -> Target:
    try:
        return TARGETS[name]
    except KeyError:
        raise ImportRefused(_("Unknown import target %(t)s; choose one of: %(all)s.")
                            % {"t": name, "all": ", ".join(TARGETS)}, code="target") from None
