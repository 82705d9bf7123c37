"""Admin: cases to look at (every write goes through ``cases.services``: the inbox comes later), holidays to
keep. Scoped by tenant by the site (accounts/admin_site.py); national holidays are the superuser's."""

from django.contrib import admin

from cases.models import Case, Holiday, TimelineEntry


class TimelineInline(admin.TabularInline):
    model = TimelineEntry
    fields = ("at", "kind", "actor", "actor_label", "from_status", "to_status", "visible_to_applicant", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("number", "case_type", "status", "queue_role", "assignee", "due_date", "held_since",
                    "municipality")
    list_filter = ("case_type", "status", "municipality")
    search_fields = ("number",)
    readonly_fields = ("number", "case_type", "status", "queue_role", "assignee", "due_date", "status_since",
                       "held_since", "hold_reason", "closed_at", "data", "created_by", "version", "municipality")
    exclude = ("location", "area", "parcels")
    inlines = [TimelineInline]

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
