"""``/finance/map/``: the parcels with unpaid bills and fines on the map (the tenant layer ``unpaid_bills``, by
its vector tiles), coloured by the amount outstanding, with a legend; the parcels owing most in a table."""

from __future__ import annotations

from django.contrib.gis.db.models import Extent
from django.db.models import Count, Sum
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from payments import selectors
from payments.layers import OUTSTANDING_STOPS
from web.finance.access import FinanceView
from web.map_config import map_config

TOP = 50


class UnpaidMapView(FinanceView, View):
    def get(self, request):
        muni = self.municipality
        qs = selectors.unpaid_parcels(municipality=muni)
        summary = qs.order_by().aggregate(parcels=Count("id"), bills=Sum("bills"), fines=Sum("fines"),
                                          outstanding=Sum("outstanding"), extent=Extent("geom"))
        config = {**map_config(request=request, membership=self.viewer.access),
                  "finance": {"layer": "unpaid_bills", "stops": [list(s) for s in OUTSTANDING_STOPS],
                              "bounds": list(summary["extent"]) if summary["extent"] else None,
                              "strings": {"parcel": _("Parcel"), "bills": _("unpaid bills"), "fines": _("with a fine"),
                                          "outstanding": _("outstanding (SAR)"), "due": _("oldest due date")}}}
        return render(request, "finance/map.html", {
            "viewer": self.viewer, "section": "map", "config": config, "summary": summary,
            "parcels": list(qs.defer("geom")[:TOP]), "stops": OUTSTANDING_STOPS,
        })
