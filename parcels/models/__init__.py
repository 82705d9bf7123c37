"""The land registers: where things are, and what the land may be used for."""

from parcels.models.areas import District, Municipality
from parcels.models.parcel import LandUse, Parcel, ParcelStatus
from parcels.models.plans import Block, SubdivisionPlan
from parcels.models.streets import Street
from parcels.models.zoning import Zone, ZoningRegulation

__all__ = [
    "Block",
    "District",
    "LandUse",
    "Municipality",
    "Parcel",
    "ParcelStatus",
    "Street",
    "SubdivisionPlan",
    "Zone",
    "ZoningRegulation",
]
