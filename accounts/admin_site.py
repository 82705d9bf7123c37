"""The admin, scoped by tenant in one place: every model admin registered on this site sees, changes,
deletes, autocompletes and acts on the rows of the municipalities its user works in, and no others.

The rule is the selectors' (``accounts.selectors.municipality_ids_with``): a person's memberships and the
permissions of their roles. Reading a municipality's rows needs ``registers.read`` there; adding, changing,
deleting or acting on them needs the admin's ``tenant_write_permission`` (``registers.write`` unless the
admin says otherwise: memberships and keys need ``accounts.manage_members``). Superusers see every
municipality. Django's model permissions still apply on top. Models without a tenant key (roles, parties:
national reference data; users) are left to Django's permissions.

Registering a model admin here is enough: the site wraps each tenant-keyed one (``TenantScoped``); no admin
class repeats the rule.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models

from accounts.permissions import REGISTERS_READ, REGISTERS_WRITE
from accounts.selectors import municipality_ids_with


def tenant_lookup(model: type[models.Model]) -> str | None:
    """The field path to a model's municipality id ("pk" for the municipality itself); None when the model
    belongs to no municipality."""
    from accounts.models import Municipality

    if issubclass(model, Municipality):
        return "pk"
    try:
        field = model._meta.get_field("municipality")
    except Exception:
        return None
    if field.is_relation and field.related_model is not None and issubclass(field.related_model, Municipality):
        return "municipality_id"
    return None


def tenant_of(obj) -> int | None:
    lookup = tenant_lookup(type(obj))
    return None if lookup is None else getattr(obj, lookup)


class TenantScoped:
    """Mixed in front of every tenant-keyed model admin by ``TenantAdminSite.register``."""

    tenant_write_permission = REGISTERS_WRITE

    def _ids(self, request, permission) -> list[int] | None:
        cache = request.__dict__.setdefault("_ardh_admin_tenants", {})
        code = permission.code
        if code not in cache:
            cache[code] = municipality_ids_with(request.user, permission)
        return cache[code]

    def _allowed(self, request, obj, permission) -> bool:
        ids = self._ids(request, permission)
        if ids is None:
            return True
        if obj is None:
            return bool(ids)
        return tenant_of(obj) in ids

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = self._ids(request, REGISTERS_READ)
        return qs if ids is None else qs.filter(**{f"{tenant_lookup(qs.model)}__in": ids})

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._allowed(request, obj, REGISTERS_READ)

    def has_change_permission(self, request, obj=None):
        return (super().has_change_permission(request, obj)
                and self._allowed(request, obj, self.tenant_write_permission))

    def has_delete_permission(self, request, obj=None):
        return (super().has_delete_permission(request, obj)
                and self._allowed(request, obj, self.tenant_write_permission))

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self._allowed(
            request, None, self.tenant_write_permission
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Choices (and what a submitted id may be) only from the municipalities the user may write in."""
        related = db_field.related_model
        lookup = tenant_lookup(related) if related is not None else None
        ids = self._ids(request, self.tenant_write_permission)
        if lookup is not None and ids is not None:
            base = kwargs.get("queryset", related._default_manager.all())
            kwargs["queryset"] = base.filter(**{f"{lookup}__in": ids})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not self._allowed(request, obj, self.tenant_write_permission):
            raise PermissionDenied
        return super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        if not self._allowed(request, obj, self.tenant_write_permission):
            raise PermissionDenied
        return super().delete_model(request, obj)

    def response_action(self, request, queryset):
        # An action changes rows: it acts only on the selected rows of municipalities the user may write in
        # (a person may read more municipalities than they may change).
        ids = self._ids(request, self.tenant_write_permission)
        if ids is not None:
            queryset = queryset.filter(**{f"{tenant_lookup(queryset.model)}__in": ids})
        return super().response_action(request, queryset)


class TenantAdminSite(admin.AdminSite):
    """Django's admin site, with every tenant-keyed model admin scoped by ``TenantScoped``."""

    def register(self, model_or_iterable, admin_class=None, **options):
        models_ = [model_or_iterable] if isinstance(model_or_iterable, type) else list(model_or_iterable)
        for model in models_:
            cls = admin_class or admin.ModelAdmin
            if tenant_lookup(model) is not None and not issubclass(cls, TenantScoped):
                cls = type(f"TenantScoped{cls.__name__}", (TenantScoped, cls), {"__module__": cls.__module__})
            super().register(model, cls, **options)
