"""Investment on the map: the sites offered or leased (public: no bidder data), the contracts in force and the
contracts with rent overdue (staff only)."""

from django.db.models import Q
from django.db.models.functions import Now

from geo.layers import PUBLIC, TENANT, Layer, Style
from geo.layers import register as register_layer

SITE_COLOUR = ["match", ["get", "status"], "offered", "#27ae60", "leased", "#8e44ad", "#95a5a6"]


def register() -> None:
    from investment.models import Contract, Instalment, Site
    from payments.models.bills import PAID_STATUSES

    # evaluated at each tile's query (a subquery), so "overdue" is always as of now
    overdue = (Instalment.objects.filter(cancelled=False, due_on__lt=Now())
               .exclude(bill__status__in=PAID_STATUSES).values("contract_id"))

    register_layer(Layer("investment_opportunities", Site, "الفرص الاستثمارية", "Investment opportunities",
                         fields=("number", "name_ar", "name_en", "status", "area_m2"),
                         filter_fields=("status",), min_zoom=10, order=92, permission=PUBLIC,
                         current=Q(status__in=("offered", "leased")),
                         style=Style(fill=SITE_COLOUR)))
    register_layer(Layer("investment_contracts", Contract, "عقود الاستثمار", "Investment contracts",
                         fields=("number", "status", "starts_on", "ends_on", "annual_rent"),
                         filter_fields=("status",), min_zoom=10, order=93, permission=TENANT,
                         current=Q(status__in=("signed", "active")), style=Style(fill="#8e44ad")))
    register_layer(Layer("investment_rent_overdue", Contract, "إيجارات استثمار متأخرة", "Investment rent overdue",
                         fields=("number", "status", "annual_rent"), filter_fields=("status",), min_zoom=10,
                         order=94, permission=TENANT, current=Q(status="active", pk__in=overdue),
                         style=Style(fill="#c0392b")))
