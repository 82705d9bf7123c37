from django.contrib import admin

from api.models import ApiKey, Membership


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued with `manage.py api_key_create` (the token is shown once); here they are reviewed and revoked."""

    list_display = ["name", "prefix", "municipality", "scopes", "rate_per_minute", "is_active", "last_used_at"]
    list_filter = ["is_active", "municipality"]
    fields = ["name", "municipality", "prefix", "scopes", "rate_per_minute", "is_active", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "municipality", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "scopes"]
    list_filter = ["municipality"]
    raw_id_fields = ["user"]
