"""Admin of billers, bills, payments, discrepancies and refunds (scoped by municipality by the admin site).

Bills and payments are written by the services only (issued on a case, recorded from SADAD): read-only here; a
finance officer reads them and follows a bill to its case. Billers are set up here (the municipality's SADAD
biller code)."""

from django.contrib import admin

from accounts.permissions import get_permission
from payments.models import Bill, Biller, BillLine, Discrepancy, Payment, Refund

MANAGE = get_permission("payments.manage")


class ReadOnly(admin.ModelAdmin):
    tenant_write_permission = MANAGE

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Biller)
class BillerAdmin(admin.ModelAdmin):
    tenant_write_permission = MANAGE
    list_display = ("code", "name_ar", "name_en", "municipality")


class BillLineInline(admin.TabularInline):
    model = BillLine
    extra = 0
    can_delete = False
    fields = readonly_fields = ("position", "kind", "rule", "quantity", "rate", "amount", "explain_ar", "explain_en")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bill)
class BillAdmin(ReadOnly):
    list_display = ("bill_number_display", "case", "service_code", "amount", "status", "issue_date", "due_date",
                    "paid_at")
    list_filter = ("status", "service_code")
    search_fields = ("account_number", "case__number", "payer_name")
    date_hierarchy = "issue_date"
    inlines = [BillLineInline]
    exclude = ("location",)


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ("payment_ref", "account_number", "amount", "paid_at", "state", "source", "bank_code", "channel")
    list_filter = ("state", "source", "bank_code")
    search_fields = ("payment_ref", "account_number")


@admin.register(Discrepancy)
class DiscrepancyAdmin(ReadOnly):
    list_display = ("kind", "payment", "bill", "day", "owner", "resolution", "resolved_at")
    list_filter = ("kind", "resolution")


@admin.register(Refund)
class RefundAdmin(ReadOnly):
    list_display = ("payment", "amount", "status", "requested_by", "decided_by", "decided_at")
    list_filter = ("status",)
