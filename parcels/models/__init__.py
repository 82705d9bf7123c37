"""The land registers: where things are, and what the land may be used for."""

from accounts.models import Municipality  # the tenant lives in accounts/; re-exported for the registers
from parcels.models.areas import District
from parcels.models.network import StreetEdge, StreetNode
from parcels.models.ownership import OwnershipSource, ParcelOwnership
from parcels.models.parcel import LandUse, Parcel, ParcelStatus
from parcels.models.plans import Block, SubdivisionPlan
from parcels.models.reservations import LandReservation, ReservationPurpose
from parcels.models.streets import Street
from parcels.models.zoning import Zone, ZoningRegulation

__all__ = [
    "Block",
    "District",
    "LandReservation",
    "LandUse",
    "Municipality",
    "OwnershipSource",
    "Parcel",
    "ParcelOwnership",
    "ParcelStatus",
    "ReservationPurpose",
    "Street",
    "StreetEdge",
    "StreetNode",
    "SubdivisionPlan",
    "Zone",
    "ZoningRegulation",
]
