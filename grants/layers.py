"""Land grants on the map: the grants plans' vacant homes' plots (the pool's ground; the selector adds bands,
reservations and assessments) and the lottery's plots by status (public: no personal data)."""

from django.db.models import Q

from geo.layers import PUBLIC, Layer, Style
from geo.layers import register as register_layer

ALLOCATION_COLOUR = ["match", ["get", "status"], "drawn", "#f39c12", "allocated", "#27ae60", "deeded", "#16a085",
                     "#95a5a6"]


def register() -> None:
    from grants.models import Allocation
    from parcels.models import Parcel

    register_layer(Layer("grant_pool", Parcel, "قطع المنح المتاحة", "Land-grant plots available",
                         fields=("number", "area_m2"), min_zoom=12, order=86, permission=PUBLIC,
                         current=Q(valid_to__isnull=True, plan__purpose="grants", status="vacant",
                                   land_use="residential"),
                         style=Style(fill="#3498db")))
    register_layer(Layer("grant_allocations", Allocation, "قطع المنح الموزعة", "Land-grant plots drawn",
                         fields=("status", "area_m2", "excess_m2"), filter_fields=("status",), min_zoom=10,
                         order=87, permission=PUBLIC, at_point=True,
                         current=~Q(status__in=("replaced", "cancelled")), style=Style(fill=ALLOCATION_COLOUR)))
