"""The fee schedules in the admin: the national lines (reference data: read-only but for superusers) and each
municipality's overrides (its finance officers add and change them), an action copying a national line as an
override for the officer's municipality, and a preview of a computed fee."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin_site import TenantScoped
from accounts.models import Municipality
from accounts.permissions import REGISTERS_READ, get_permission
from common.errors import RegisterError
from payments.fees import compute_fee
from payments.fees.selectors import services as schedule_services
from payments.fees.services import MANAGE, fee_rule_override, fee_rule_save
from payments.models import FeeRule, Measure


class NationalFilter(admin.SimpleListFilter):
    title = gettext_lazy("schedule")
    parameter_name = "scope"

    def lookups(self, request, model_admin):
        return [("national", gettext_lazy("national")), ("local", gettext_lazy("my municipality's overrides"))]

    def queryset(self, request, queryset):
        if self.value() == "national":
            return queryset.filter(municipality__isnull=True)
        if self.value() == "local":
            return queryset.filter(municipality__isnull=False)
        return queryset


@admin.register(FeeRule)
class FeeRuleAdmin(TenantScoped, admin.ModelAdmin):
    """Scoped by tenant like every admin (``TenantScoped``), except that the national lines (no municipality)
    are shown to everyone who may read a municipality's rows, and changed only by superusers."""

    tenant_write_permission = get_permission(MANAGE)
    list_display = ("service", "line", "kind", "measure", "category", "rate", "minimum", "maximum", "percent",
                    "condition", "valid_from", "valid_to", "where")
    list_filter = (NationalFilter, "service", "kind", "category")
    search_fields = ("service", "line", "condition")
    actions = ["override_for_my_municipality"]
    fields = ("municipality", "service", "line", "position", "kind", "measure", "category", "rate", "minimum",
              "maximum", "percent", "condition", "explain_ar", "explain_en", "valid_from", "valid_to")

    @admin.display(description=gettext_lazy("municipality"))
    def where(self, obj):
        return obj.municipality if obj.municipality_id else _("national")

    # -- tenancy: national rows are visible and read-only -------------------------------------------------
    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request).select_related("municipality")
        ids = self._ids(request, REGISTERS_READ)
        return qs if ids is None else qs.filter(Q(municipality__isnull=True) | Q(municipality_id__in=ids))

    def _readable(self, request) -> bool:
        ids = self._ids(request, REGISTERS_READ)
        return ids is None or bool(ids)

    def has_view_permission(self, request, obj=None):
        if obj is not None and obj.municipality_id is None:
            return admin.ModelAdmin.has_view_permission(self, request, obj) and self._readable(request)
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.municipality_id is None:
            return request.user.is_superuser
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.municipality_id is None:
            return request.user.is_superuser
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not request.user.is_superuser and "municipality" in form.base_fields:
            field = form.base_fields["municipality"]
            field.required = True  # a finance officer writes their municipality's overrides, never national lines
            field.empty_label = None
            field.help_text = _("Your municipality: this line overrides the national one there, on its dates.")
        return form

    def save_model(self, request, obj, form, change):
        if not self._allowed(request, obj, self.tenant_write_permission):
            raise PermissionDenied
        changes = {name: [None, str(form.cleaned_data.get(name))] for name in form.changed_data}
        fee_rule_save(rule=obj, actor=request.user, changes=changes)

    def response_action(self, request, queryset):
        if request.POST.get("action") == "override_for_my_municipality":
            return admin.ModelAdmin.response_action(self, request, queryset)  # national rows: the action checks
        return super().response_action(request, queryset)

    # -- the action ---------------------------------------------------------------------------------------
    @admin.action(description=gettext_lazy("Override for my municipality (copy the national line)"))
    def override_for_my_municipality(self, request, queryset):
        ids = self._ids(request, self.tenant_write_permission)
        if ids is not None and len(ids) != 1:
            self.message_user(request, _("Overriding needs one municipality where you manage fees; you have %(n)d.")
                              % {"n": len(ids)}, messages.ERROR)
            return None
        if ids is None:
            self.message_user(request, _("A superuser has no municipality of their own: add the override with "
                                         "its municipality instead."), messages.ERROR)
            return None
        municipality = Municipality.objects.get(pk=ids[0])
        made = []
        for rule in queryset.filter(municipality__isnull=True):
            try:
                made.append(fee_rule_override(rule=rule, municipality=municipality, actor=request.user))
            except ValidationError as exc:
                self.message_user(request, f"{rule.service}.{rule.line}: {' '.join(exc.messages)}", messages.ERROR)
        if made:
            self.message_user(request, _("%(n)d override(s) for %(m)s, in force from today: change their figures.")
                              % {"n": len(made), "m": municipality}, messages.SUCCESS)
        return None

    # -- the preview --------------------------------------------------------------------------------------
    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [path("preview/", preview, name="payments_feerule_preview"), *super().get_urls()]

    def preview_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        ids = self._ids(request, REGISTERS_READ)
        municipalities = Municipality.objects.defer("boundary")
        if ids is not None:
            municipalities = municipalities.filter(pk__in=ids)
        form = PreviewForm(request.GET or None, municipalities=municipalities)
        result = None
        if form.is_valid():
            try:
                result = compute_fee(municipality=form.cleaned_data["municipality"],
                                     service=form.cleaned_data["service"], measures=form.cleaned_data["measures"],
                                     on=form.cleaned_data["on"], flags=form.cleaned_data["flags"])
            except RegisterError as exc:
                form.add_error(None, exc)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "result": result, "title": _("Preview a fee")}
        return TemplateResponse(request, "admin/payments/feerule/preview.html", context)


class PreviewForm(forms.Form):
    municipality = forms.ModelChoiceField(label=gettext_lazy("municipality"), queryset=Municipality.objects.none())
    service = forms.ChoiceField(label=gettext_lazy("service"))
    measures = forms.CharField(
        label=gettext_lazy("measures"), required=False,
        help_text=gettext_lazy("e.g. floor_area=250, parcel_area=600 (a fine: its line code and a count)"),
    )
    flags = forms.CharField(label=gettext_lazy("conditions"), required=False,
                            help_text=gettext_lazy("e.g. late_renewal, exempt_social_security"))
    on = forms.DateField(label=gettext_lazy("on"), initial=date.today, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["service"].choices = [(s, s) for s in schedule_services()]
        self.fields["on"].initial = timezone.localdate()

    def clean_measures(self) -> dict:
        measures = {}
        for part in filter(None, (p.strip() for p in self.cleaned_data["measures"].replace("،", ",").split(","))):
            key, sep, value = part.partition("=")
            try:
                measures[key.strip()] = Decimal(value.strip())
            except InvalidOperation:
                sep = ""
            if not sep or not key.strip():
                raise ValidationError(_("Write each measure as name=number, e.g. %(e)s; not “%(p)s”.")
                                      % {"e": f"{Measure.FLOOR_AREA.value}=250", "p": part[:40]})
        return measures

    def clean_flags(self) -> frozenset[str]:
        return frozenset(f.strip() for f in self.cleaned_data["flags"].replace("،", ",").split(",") if f.strip())

