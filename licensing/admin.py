"""Admin for licensing: the national reference data (activities with their checklists, requirements, the
penalties table) edited by the ministry's administrators; inspectors' districts; premises edited through the
service (each edit raises its version: an inspector's offline copy then syncs as a conflict). Licenses, visits,
violations and devices' results are shown read-only: services write them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.gis.admin import GISModelAdmin
from django.utils.translation import gettext_lazy as _

from common.admin_readonly import ReadOnlyAdmin
from common.errors import RegisterError
from licensing.models import (
    Activity,
    ChecklistItem,
    Establishment,
    HealthCertificate,
    InspectionRoute,
    InspectorArea,
    License,
    Penalty,
    Premises,
    Requirement,
    Violation,
    Visit,
    VisitSubmission,
)
from licensing.services.premises import EDITABLE, premises_update


class ChecklistInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ("position", "code", "requirement", "question_ar", "question_en", "severity", "weight", "penalty")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ar", "name_en", "risk", "immediate")
    list_filter = ("risk", "immediate")
    search_fields = ("code", "name_ar", "name_en")
    filter_horizontal = ("requirements",)
    inlines = [ChecklistInline]


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ("code", "title_ar", "title_en")
    search_fields = ("code", "title_ar", "title_en")


@admin.register(Penalty)
class PenaltyAdmin(admin.ModelAdmin):
    list_display = ("code", "title_ar", "fine_min", "fine_max", "grace_days", "closure")
    list_filter = ("closure",)
    search_fields = ("code", "title_ar", "title_en")


@admin.register(InspectorArea)
class InspectorAreaAdmin(admin.ModelAdmin):
    list_display = ("inspector", "district", "municipality")
    list_filter = ("municipality",)


@admin.register(Premises)
class PremisesAdmin(GISModelAdmin):
    list_display = ("name_ar", "establishment", "parcel", "area_m2", "opens", "closes", "version")
    search_fields = ("name_ar", "establishment__name_ar", "establishment__cr_number")
    raw_id_fields = ("establishment", "parcel", "street", "district")
    readonly_fields = ("version", "establishment", "parcel", "district")

    def has_add_permission(self, request):
        return False  # a premises comes with its license application

    def save_model(self, request, obj, form, change):
        changes = {f if f != "street" else "street_id": getattr(obj, f if f != "street" else "street_id")
                   for f in form.changed_data if (f if f != "street" else "street_id") in EDITABLE}
        try:
            premises_update(premises=obj, actor=request.user, changes=changes)
        except RegisterError as exc:
            messages.error(request, " ".join(exc.messages))


@admin.register(Establishment)
class EstablishmentAdmin(ReadOnlyAdmin):
    list_display = ("name_ar", "cr_number", "owner", "size_class", "municipality")
    search_fields = ("name_ar", "cr_number")


@admin.register(HealthCertificate)
class HealthCertificateAdmin(admin.ModelAdmin):
    list_display = ("number", "holder_name", "establishment", "expires_on")
    search_fields = ("number", "holder_name", "holder_id_number")
    raw_id_fields = ("establishment",)


@admin.register(License)
class LicenseAdmin(ReadOnlyAdmin):
    list_display = ("number", "activity_code", "status", "risk", "issued_on", "expires_on", "next_visit_on")
    list_filter = ("status", "risk", "activity_code")
    search_fields = ("number",)


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ("premises", "kind", "status", "due_on", "inspector", "result", "score")
    list_filter = ("status", "kind", "result")


@admin.register(Violation)
class ViolationAdmin(ReadOnlyAdmin):
    list_display = ("penalty_code", "premises", "status", "repeat", "amount", "closure", "created_at")
    list_filter = ("status", "penalty_code", "closure")


@admin.register(VisitSubmission)
class VisitSubmissionAdmin(ReadOnlyAdmin):
    list_display = ("uuid", "visit", "inspector", "status", "created_at", "decided_by")
    list_filter = ("status",)
    readonly_fields = ("payload",)


@admin.register(InspectionRoute)
class InspectionRouteAdmin(ReadOnlyAdmin):
    list_display = ("inspector", "day", "length_m", "naive_length_m", "solve_s")
    list_filter = ("day",)


ChecklistInline.verbose_name_plural = _("checklist")
