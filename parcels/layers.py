"""The registers' map layers, declared once for tiles, APIs and spatial selectors."""

from django.db.models import Q

from geo.layers import Layer, register


def register_all() -> None:
    from parcels import models as m

    register(Layer("municipalities", m.Municipality, "البلديات", "Municipalities", geom_field="boundary",
                   fields=("code", "name_ar", "name_en"), tenant_field=None, max_zoom=14))
    register(Layer("districts", m.District, "الأحياء", "Districts",
                   fields=("code", "name_ar", "name_en"), filter_fields=("code",)))
    register(Layer("plans", m.SubdivisionPlan, "المخططات", "Subdivision plans",
                   fields=("number", "name_ar", "name_en", "status", "approval_date"),
                   filter_fields=("number", "status"), min_zoom=10))
    register(Layer("blocks", m.Block, "البلكات", "Blocks", fields=("number", "plan_id"), min_zoom=13))
    register(Layer("parcels", m.Parcel, "قطع الأراضي", "Parcels",
                   fields=("number", "plan_id", "land_use", "status", "area_m2", "deed_number"),
                   filter_fields=("land_use", "status", "number"), restricted_fields=("deed_number",), min_zoom=15,
                   current=Q(valid_to__isnull=True)))
    register(Layer("streets", m.Street, "الشوارع", "Streets",
                   fields=("name_ar", "name_en", "kind", "width_m"), filter_fields=("kind",), min_zoom=12))
    register(Layer("zones", m.Zone, "مناطق التنظيم", "Zoning",
                   fields=("name_ar", "name_en", "regulation_id"), min_zoom=10))
