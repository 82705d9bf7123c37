"""Investment on the map: the opportunities offered (public: no bidder data) and the contracts with rent overdue
(staff only)."""

from django.db.models import Q

from geo.layers import PUBLIC, TENANT, Layer, Style
from geo.layers import register as register_layer

SITE_COLOUR = ["match", ["get", "status"], "offered", "#27ae60", "leased", "#8e44ad", "#95a5a6"]


def register() -> None:
    from investment.models import Contract, Site

    register_layer(Layer("investment_opportunities", Site, "الفرص الاستثمارية", "Investment opportunities",
                         fields=("number", "name_ar", "name_en", "status", "area_m2"),
                         filter_fields=("status",), min_zoom=10, order=92, permission=PUBLIC,
                         current=Q(status__in=("offered", "leased")),
                         style=Style(fill=SITE_COLOUR)))
    register_layer(Layer("investment_contracts", Contract, "عقود الاستثمار", "Investment contracts",
                         fields=("number", "status", "starts_on", "ends_on", "annual_rent"),
                         filter_fields=("status",), min_zoom=10, order=93, permission=TENANT,
                         current=Q(status__in=("signed", "active")), style=Style(fill="#8e44ad")))
