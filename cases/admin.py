"""Admin: cases to look at (every write goes through ``cases.services``: the inbox comes later), holidays to
keep. Scoped by tenant by the site (accounts/admin_site.py); national holidays are the superuser's."""

from django.contrib import admin

from cases.models import Case, CaseDocument, Holiday, IssuedDocument, TimelineEntry


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
