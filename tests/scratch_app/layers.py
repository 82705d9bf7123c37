"""The scratch app's layer: everything serving code needs to know about it, declared here and nowhere else."""

from geo.layers import Layer, Style, register, unregister

NAME = "kiosk_sites"


def register_all() -> None:
    from tests.scratch_app.models import KioskSite

    register(Layer(NAME, KioskSite, "مواقع الأكشاك", "Kiosk sites", fields=("number", "name_ar", "name_en"),
                   filter_fields=("number",), min_zoom=12, order=65, at_point=True,
                   style=Style(fill="#ff00aa", fill_opacity=0.5, line_colour="#aa0077")))


def unregister_all() -> None:
    unregister(NAME)
