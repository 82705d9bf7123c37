from django.contrib import admin

from notifications.models import Delivery, Notification


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("channel", "address", "status", "attempts", "sent_at", "error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("template", "recipient_name", "language", "municipality", "created_at")
    list_filter = ("template", "language")
    search_fields = ("recipient_name", "dedupe_key")
    readonly_fields = ("template", "language", "recipient_user", "recipient_name", "context", "dedupe_key",
                       "municipality")
    inlines = [DeliveryInline]

    def has_add_permission(self, request):
        return False  # queued by services (notification_send), never typed in


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("channel", "address", "status", "attempts", "sent_at", "municipality", "created_at")
    list_filter = ("channel", "status")
    search_fields = ("address", "subject")
    readonly_fields = ("notification", "channel", "address", "subject", "body", "status", "attempts", "backend",
                       "provider_ref", "error", "sent_at", "municipality")

    def has_add_permission(self, request):
        return False
