"""Writes to the registers. Each is one transaction that leaves history behind it."""

from parcels.services.errors import ConflictError, RegisterError, TopologyError
from parcels.services.lineage import parcel_merge, parcel_split
from parcels.services.records import parcel_create, parcel_update, record_save
from parcels.services.status import parcel_status_follow

__all__ = [
    "ConflictError",
    "RegisterError",
    "TopologyError",
    "parcel_create",
    "parcel_merge",
    "parcel_split",
    "parcel_status_follow",
    "parcel_update",
    "record_save",
]
