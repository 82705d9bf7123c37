from django.contrib import admin

from audit.models import ChangeRecord
from common.admin_paging import LargeTableAdmin


@admin.register(ChangeRecord)
class ChangeRecordAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = ("at", "entity", "object_id", "action", "actor", "actor_label", "municipality")
    list_filter = ("action", "entity", "municipality")
    search_fields = ("entity", "note")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
