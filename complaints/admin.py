"""Admin for complaints: the national categories and each municipality's routing (data, edited by the
administrators); reports shown read-only — the services and the case's steps write them."""

from __future__ import annotations

from django.contrib import admin

from common.admin_readonly import ReadOnlyAdmin
from complaints.models import Category, Complaint, Routing


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ar", "name_en", "kind", "handler_role", "visit_kind", "duplicate_radius_m")


@admin.register(Routing)
class RoutingAdmin(admin.ModelAdmin):
    list_display = ("municipality", "district", "category", "handler", "role")
    list_filter = ("category",)


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("case", "category", "recipient", "district", "channel", "rating")
    list_filter = ("category", "channel", "recipient")
