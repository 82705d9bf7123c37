"""Admin for land grants: programmes with their rules and bands (data, edited by the municipality's
administrators) and plots assessed unbuildable; applications, lotteries and allocations shown read-only — the
services write them (a lottery's inputs and result are evidence)."""

from __future__ import annotations

from django.contrib import admin

from common.admin_readonly import ReadOnlyAdmin
from grants.models import (
    Allocation,
    EntitlementBand,
    ExternalCheck,
    GrantApplication,
    Lottery,
    PlotAssessment,
    Programme,
    ProgrammeRule,
)


class RuleInline(admin.TabularInline):
    model = ProgrammeRule
    extra = 0
    fields = ("position", "kind", "value", "municipality")


class BandInline(admin.TabularInline):
    model = EntitlementBand
    extra = 0
    fields = ("code", "family_min", "family_max", "entitled_m2", "plot_min_m2", "plot_max_m2", "municipality")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ar", "name_en", "status", "municipality")
    list_filter = ("status",)
    search_fields = ("code", "name_ar", "name_en")
    inlines = [RuleInline, BandInline]


class CheckInline(admin.TabularInline):
    model = ExternalCheck
    extra = 0
    can_delete = False
    fields = readonly_fields = ("fact", "value", "source", "reference", "checked_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(GrantApplication)
class GrantApplicationAdmin(ReadOnlyAdmin):
    list_display = ("number", "programme", "status", "family_size", "entitled_m2", "priority_points", "applied_at")
    list_filter = ("status", "programme")
    search_fields = ("number", "applicant__national_id")
    raw_id_fields = ("case", "applicant")
    inlines = [CheckInline]


@admin.register(Lottery)
class LotteryAdmin(ReadOnlyAdmin):
    list_display = ("number", "programme", "status", "committed_at", "drawn_at")
    list_filter = ("status",)
    exclude = ("seed",)  # shown on the public page once drawn; never in the admin before the draw


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ("application", "parcel", "status", "area_m2", "excess_m2", "deed_number")
    list_filter = ("status",)
    search_fields = ("application__number", "deed_number")
    raw_id_fields = ("application", "parcel", "reservation", "lottery", "batch")


@admin.register(PlotAssessment)
class PlotAssessmentAdmin(admin.ModelAdmin):
    list_display = ("parcel", "buildable", "reason", "assessed_by", "municipality")
    raw_id_fields = ("parcel",)
