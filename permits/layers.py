"""Building permits on the map: applications by status (staff of the municipality), drawn as their latest
proposed building, and the issued permits (public: no personal data)."""

from geo.layers import PUBLIC, TENANT, Layer, Style
from geo.layers import register as register_layer

STATUS_FILL = ["match", ["get", "status"],
               "draft", "#bdc3c7", "submitted", "#f1c40f", "in_review", "#f39c12", "returned", "#e67e22",
               "reviewed", "#d35400", "approved", "#8e44ad", "issued", "#2980b9", "under_construction", "#16a085",
               "completed", "#27ae60", "#7f8c8d"]
PERMIT_FILL = ["match", ["get", "status"], "issued", "#2980b9", "under_construction", "#16a085",
               "completed", "#27ae60", "expired", "#95a5a6", "revoked", "#c0392b", "#7f8c8d"]


def register() -> None:
    from permits.models import Permit, PermitCaseMap

    register_layer(Layer("building_permits", PermitCaseMap, "طلبات رخص البناء", "Building permit applications",
                         fields=("number", "case_type", "status", "proposal", "passed", "use", "floor_area_m2"),
                         filter_fields=("status", "case_type", "passed"), min_zoom=12, order=86,
                         permission=TENANT, at_point=True, style=Style(fill=STATUS_FILL, fill_opacity=0.7)))
    register_layer(Layer("issued_permits", Permit, "رخص البناء الصادرة", "Issued building permits",
                         fields=("number", "kind", "status", "issued_on", "valid_until", "use", "floors",
                                 "floor_area_m2"),
                         filter_fields=("status", "kind", "use"), min_zoom=12, order=87, permission=PUBLIC,
                         at_point=True, time_fields=("issued_on", "valid_until"),
                         style=Style(fill=PERMIT_FILL, fill_opacity=0.6)))
