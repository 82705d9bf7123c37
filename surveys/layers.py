"""The surveyed outlines on the map (tenant only): each survey version of a survey decision, green within
tolerance, red beyond it; the register's parcels are the layer beneath."""

from geo.layers import TENANT, Layer, Style, register

FILL = ["case", ["get", "within_tolerance"], "#27ae60", "#c0392b"]


def register_all() -> None:
    from surveys.models import Survey

    register(Layer("survey_outlines", Survey, "المخططات المساحية المقدمة", "Surveyed outlines",
                   fields=("number", "within_tolerance", "source_srid", "created_at"),
                   filter_fields=("within_tolerance",),
                   min_zoom=12, order=85, permission=TENANT, style=Style(fill=FILL)))
