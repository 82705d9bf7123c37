"""An admin that shows records written only by services (issued permits, licenses, visits): no add, change or
delete from the admin — the services keep their rules, their audit and their versions."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
