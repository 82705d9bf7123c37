"""The cases' map layer: every case of the municipality at its location, coloured by status (tenant only)."""

from geo.layers import TENANT, Layer, Style, register

# Statuses are the case types' own; these common words get a colour, the rest grey.
STATUS_COLOURS = {
    "submitted": "#2e86c1",
    "in_review": "#f39c12",
    "returned": "#8e44ad",
    "approved": "#27ae60",
    "rejected": "#c0392b",
    "closed": "#7f8c8d",
}
CASE_FILL = ["match", ["get", "status"], *[v for pair in STATUS_COLOURS.items() for v in pair], "#95a5a6"]


def register_all() -> None:
    from cases.models import Case

    register(Layer("cases", Case, "المعاملات", "Cases", geom_field="location",
                   fields=("number", "case_type", "status", "due_date"), filter_fields=("case_type", "status"),
                   min_zoom=10, order=80, permission=TENANT, style=Style(fill=CASE_FILL)))
