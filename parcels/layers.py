"""The registers' map layers, declared once for tiles, the map style, APIs, at-point and spatial selectors."""

from django.db.models import Q

from geo.layers import Layer, Style, register

LAND_USE_COLOURS = {
    "residential": "#f3e3b5",
    "commercial": "#f2a07b",
    "mixed_use": "#e7b98f",
    "government": "#b7b2d9",
    "mosque": "#9fd3c7",
    "education": "#a8c8ec",
    "health": "#f4b6c2",
    "park": "#b5dba0",
    "utility": "#cccccc",
    "industrial": "#c9a9a6",
    "agricultural": "#d9e8a6",
}
# A parcel is filled by its land use (MapLibre "match" on the land_use field).
PARCEL_FILL = ["match", ["get", "land_use"], *[v for pair in LAND_USE_COLOURS.items() for v in pair], "#eeeeee"]


def register_all() -> None:
    from parcels import models as m

    register(Layer("municipalities", m.Municipality, "البلديات", "Municipalities", geom_field="boundary",
                   fields=("code", "name_ar", "name_en"), tenant_field=None, max_zoom=14, order=10))
    register(Layer("districts", m.District, "الأحياء", "Districts",
                   fields=("code", "name_ar", "name_en"), filter_fields=("code",), order=20, at_point=True,
                   style=Style(line_colour="#7a5c99")))
    register(Layer("zones", m.Zone, "مناطق التنظيم", "Zoning",
                   fields=("name_ar", "name_en", "regulation_id"), min_zoom=10, order=30, at_point=True,
                   style=Style(fill="#2e86c1", fill_opacity=0.08, line_colour="#2e86c1")))
    register(Layer("plans", m.SubdivisionPlan, "المخططات", "Subdivision plans",
                   fields=("number", "name_ar", "name_en", "status", "approval_date"),
                   filter_fields=("number", "status"), min_zoom=10, order=40, at_point=True,
                   style=Style(line_colour="#c0392b")))
    register(Layer("blocks", m.Block, "البلكات", "Blocks", fields=("number", "plan_id"), min_zoom=13, order=50,
                   at_point=True, admin_context=True, style=Style(line_colour="#8d8d8d")))
    register(Layer("parcels", m.Parcel, "قطع الأراضي", "Parcels",
                   fields=("number", "plan_id", "land_use", "status", "area_m2", "deed_number"),
                   filter_fields=("land_use", "status", "number"), restricted_fields=("deed_number",), min_zoom=15,
                   current=Q(valid_to__isnull=True), order=60, at_point=True, admin_context=True,
                   time_fields=("valid_from", "valid_to"),
                   style=Style(fill=PARCEL_FILL, label_min_zoom=17, label_size=11)))
    register(Layer("streets", m.Street, "الشوارع", "Streets",
                   fields=("name_ar", "name_en", "kind", "width_m"), filter_fields=("kind",), min_zoom=12, order=70,
                   admin_context=True, style=Style(line_colour="#ffffff", width_field="width_m")))
