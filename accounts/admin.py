"""People and access in the admin: keys are reviewed and revoked here, staff given roles per municipality."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiKey, Membership, Organisation, PartyKind, Person, Representation, Role
from accounts.permissions import MEMBERS_MANAGE, all_permissions


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued with `manage.py api_key_create` (the token is shown once); here they are reviewed and revoked."""

    tenant_write_permission = MEMBERS_MANAGE  # accounts.admin_site: who may revoke a municipality's keys

    list_display = ["name", "prefix", "municipality", "scopes", "rate_per_minute", "is_active", "last_used_at"]
    list_filter = ["is_active", "municipality"]
    fields = ["name", "municipality", "prefix", "scopes", "rate_per_minute", "is_active", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "municipality", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ar", "name_en", "permission_list"]
    search_fields = ["code", "name_ar", "name_en"]

    @admin.display(description=_("permissions"))
    def permission_list(self, role):
        return ", ".join(role.permissions)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "permissions":  # only declared permissions (accounts.permissions)
            from django.contrib.postgres.forms import SimpleArrayField
            from django.core.validators import ValidationError

            known = {p.code for p in all_permissions()}

            def declared(values):
                unknown = sorted(set(values) - known)
                if unknown:
                    raise ValidationError(_("Unknown permissions: %(p)s") % {"p": ", ".join(unknown)})

            field = SimpleArrayField(kwargs.pop("base_field", None) or db_field.base_field.formfield(),
                                     required=False, validators=[declared],
                                     help_text=", ".join(sorted(known)))
            return field
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    tenant_write_permission = MEMBERS_MANAGE  # accounts.admin_site: who may give roles in a municipality
    list_display = ["user", "municipality", "role_list", "is_active"]
    list_filter = ["municipality", "roles", "is_active"]
    raw_id_fields = ["user"]
    filter_horizontal = ["roles"]

    @admin.display(description=_("roles"))
    def role_list(self, membership):
        return ", ".join(r.code for r in membership.roles.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name_ar", "name_en", "masked_id", "mobile"]
    search_fields = ["name_ar", "name_en", "national_id", "mobile"]
    exclude = ["kind"]

    @admin.display(description=_("national ID / iqama"))
    def masked_id(self, person):
        return person.masked_national_id  # personal data (PDPL): masked in lists

    def save_model(self, request, obj, form, change):
        obj.kind = PartyKind.PERSON
        super().save_model(request, obj, form, change)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_ar", "name_en", "cr_number", "org_kind"]
    list_filter = ["org_kind"]
    search_fields = ["name_ar", "name_en", "cr_number"]
    exclude = ["kind"]

    def save_model(self, request, obj, form, change):
        obj.kind = PartyKind.ORGANISATION
        super().save_model(request, obj, form, change)


@admin.register(Representation)
class RepresentationAdmin(admin.ModelAdmin):
    list_display = ["agent", "principal", "kind", "valid_from", "valid_until"]
    list_filter = ["kind"]
    raw_id_fields = ["agent", "principal"]
