"""Admin: cases to look at (every write goes through ``cases.services``: the inbox comes later), holidays to
keep, and two read-only lists for oversight: the log of personal data looked at (PDPL) and delegations. Scoped
by tenant by the site (accounts/admin_site.py); national holidays are the superuser's."""

from django.contrib import admin

from cases.models import Case, CaseDocument, Delegation, Holiday, IssuedDocument, PersonalDataLookup, TimelineEntry


class TimelineInline(admin.TabularInline):
    model = TimelineEntry
    fields = ("at", "kind", "actor", "actor_label", "from_status", "to_status", "visible_to_applicant", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DocumentInline(_ReadOnlyInline):
    """The files attached (uploads go through ``cases.documents.services.document_upload``)."""

    model = CaseDocument
    fields = ("code", "version", "original_name", "content_type", "size", "sha256", "uploaded_at",
              "visible_to_applicant")
    readonly_fields = fields


class IssuedInline(_ReadOnlyInline):
    """The documents issued (``document_issue``; revoked with ``document_revoke``)."""

    model = IssuedDocument
    fields = ("serial", "kind", "title_ar", "issued_at", "valid_until", "approver_name", "sha256", "revoked_at",
              "revoke_reason")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("number", "case_type", "status", "queue_role", "assignee", "due_date", "held_since",
                    "municipality")
    list_filter = ("case_type", "status", "municipality")
    search_fields = ("number",)
    readonly_fields = ("number", "case_type", "status", "queue_role", "assignee", "due_date", "status_since",
                       "held_since", "hold_reason", "closed_at", "data", "created_by", "version", "municipality")
    exclude = ("location", "area", "parcels")
    inlines = [DocumentInline, IssuedInline, TimelineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("day", "name_ar", "name_en", "municipality")
    list_filter = ("municipality",)
    date_hierarchy = "day"


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record written by the services only: listed and shown, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataLookup)
class PersonalDataLookupAdmin(ReadOnlyAdmin):
    """Who looked at whose personal data, when, why and on which case (cases.privacy.personal_data_views)."""

    list_display = ("at", "kind", "actor", "actor_label", "masked_national_id", "case", "purpose", "municipality")
    list_filter = ("kind", "municipality")
    search_fields = ("masked_national_id", "actor__username", "purpose", "case__number")
    date_hierarchy = "at"
    list_select_related = ("actor", "case")
    raw_id_fields = ("case", "person", "actor")


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ("from_user", "to_user", "starts_on", "ends_on", "reason", "cases_moved", "applied_at",
                    "municipality")
    list_filter = ("municipality",)
    date_hierarchy = "starts_on"
