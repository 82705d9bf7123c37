"""Admin for investment: everything here is evidence written by the services (sites on reserved land, the
opportunities' key ceremony, sealed bids, contracts), so it is shown read-only. A sealed bid shows its receipt,
commitment and ciphertext's size only — the database holds no amount before the opening (decision 032)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin_readonly import ReadOnlyAdmin
from investment.models import Bid, Contract, Opportunity, Site


@admin.register(Site)
class SiteAdmin(ReadOnlyAdmin):
    list_display = ("number", "name_ar", "status", "area_m2", "parcel")
    list_filter = ("status",)
    search_fields = ("number", "name_ar", "name_en")
    exclude = ("geom",)


@admin.register(Opportunity)
class OpportunityAdmin(ReadOnlyAdmin):
    list_display = ("number", "activity_ar", "status", "min_annual_rent", "bids_close_at", "opening_at")
    list_filter = ("status", "financial_model")
    search_fields = ("number", "activity_ar", "activity_en")
    exclude = ("wrapped_private_key",)


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin):
    list_display = ("receipt", "opportunity", "investor", "status", "commitment", "rank")
    list_filter = ("status",)
    search_fields = ("receipt", "commitment")
    fields = ("receipt", "opportunity", "investor", "status", "commitment", "sealed_size", "guarantee_ref",
              "guarantee_bank", "guarantee_amount", "guarantee_released_on", "documents", "annual_rent",
              "share_pct", "rank", "reasons", "created_at")
    readonly_fields = fields

    @admin.display(description=_("sealed offer"))
    def sealed_size(self, obj):
        return _("%(n)s bytes of ciphertext") % {"n": len(bytes(obj.ciphertext or b""))}


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ("number", "investor", "status", "starts_on", "ends_on", "annual_rent", "frequency")
    list_filter = ("status", "frequency")
    search_fields = ("number",)
    exclude = ("geom",)
