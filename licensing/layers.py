"""Licensing on the map: licensed premises by status, risk and activity (public: no personal data), the visits
planned and done, the violations found (a heat map at low zoom) and the inspectors' routes (staff only)."""

from django.db.models import Q

from geo.layers import PUBLIC, TENANT, Layer, Style
from geo.layers import register as register_layer

LICENSE_COLOUR = ["match", ["get", "status"], "applied", "#f1c40f", "active", "#27ae60", "suspended", "#e67e22",
                  "cancelled", "#c0392b", "expired", "#95a5a6", "#7f8c8d"]
VISIT_COLOUR = ["match", ["get", "status"], "planned", "#2980b9", "done", "#27ae60", "#95a5a6"]


def register() -> None:
    from licensing.models import InspectionRoute, License, Violation, Visit

    register_layer(Layer("licensed_premises", License, "المحلات المرخصة", "Licensed premises",
                         fields=("number", "status", "risk", "activity_code", "issued_on", "expires_on"),
                         filter_fields=("status", "risk", "activity_code"), min_zoom=12, order=88,
                         permission=PUBLIC, at_point=True, current=~Q(status__in=("refused",)),
                         style=Style(fill=LICENSE_COLOUR)))
    register_layer(Layer("inspection_visits", Visit, "زيارات الرقابة", "Inspection visits",
                         fields=("kind", "status", "due_on", "result", "score"),
                         filter_fields=("kind", "status", "result"), min_zoom=12, order=89, permission=TENANT,
                         at_point=True, style=Style(fill=VISIT_COLOUR)))
    register_layer(Layer("violations", Violation, "المخالفات", "Violations",
                         fields=("penalty_code", "status", "repeat", "amount", "closure"),
                         filter_fields=("penalty_code", "status"), min_zoom=0, order=90, permission=TENANT,
                         at_point=True, style=Style(fill="#c0392b", heatmap_below_zoom=14)))
    register_layer(Layer("inspection_routes", InspectionRoute, "مسارات المراقبين", "Inspectors' routes",
                         fields=("day", "length_m", "drive_s"), filter_fields=("day",), min_zoom=10, order=91,
                         permission=TENANT, style=Style(line_colour="#8e44ad", line_width=3)))
