"""Admin for the registers: map editing offline, every save through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.gis.admin import GISModelAdmin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from audit.selectors import history_for
from common.admin_paging import LargeTableAdmin
from common.versions import check_version
from geo.widgets import OfflineMapWidget
from parcels import models as m
from parcels import services
from parcels.services.errors import RegisterError
from parcels.services.records import checked_geometry, geometry_field
from parcels.services.topology import assert_no_overlap


class RegisterForm(forms.ModelForm):
    """Checks the geometry the way the services do, so errors show on the form, not as a 500.

    ``expected_version`` carries the version the editor loaded: a save over someone else's newer
    edit is refused instead of silently overwriting it.
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            try:
                check_version(type(self.instance)(version=current), expected)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
        field = geometry_field(self._meta.model).name
        geom = cleaned.get(field)
        if field in self.errors or geom is None:
            return cleaned
        instance = self.instance
        if "municipality" in cleaned:
            instance.municipality = cleaned["municipality"]
        if not isinstance(instance, m.Municipality) and not instance.municipality_id:
            return cleaned
        try:
            cleaned[field] = checked_geometry(instance=instance, geom=geom)
            if isinstance(instance, m.Parcel):
                assert_no_overlap(
                    municipality_id=instance.municipality_id,
                    geoms=[cleaned[field]],
                    exclude_ids=[instance.pk] if instance.pk else [],
                )
        except ValidationError as exc:
            self.add_error(field, exc)
        return cleaned


class RegisterAdmin(GISModelAdmin):
    form = RegisterForm
    gis_widget = OfflineMapWidget
    readonly_fields = ("version", "history")

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "expected_version" in fields else [*fields, "expected_version"]

    def save_model(self, request, obj, form, change):
        expected = form.cleaned_data.get("expected_version")
        services.record_save(instance=obj, actor=request.user, expected_version=expected)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form checks versions and topology, but another editor can commit between that check and
        # the save (which locks the row and checks again). Such a late refusal rolls the whole save back
        # and comes back as a message on the form page, not as a 500.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RegisterError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.display(description=_("history"))
    def history(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        rows = history_for(instance=obj)[:20]
        return format_html_join(
            "",
            "<div>{} — {} — {}</div>",
            ((r.at.strftime("%Y-%m-%d %H:%M"), r.get_action_display(), r.actor or r.actor_label) for r in rows),
        ) or "—"


@admin.register(m.Municipality)
class MunicipalityAdmin(RegisterAdmin):
    list_display = ("code", "name_ar", "name_en", "region_ar", "metric_srid")
    search_fields = ("code", "name_ar", "name_en")


class TenantAdmin(RegisterAdmin):
    list_filter = ("municipality",)


@admin.register(m.District)
class DistrictAdmin(TenantAdmin):
    list_display = ("code", "name_ar", "name_en", "municipality")
    search_fields = ("code", "name_ar", "name_en")


@admin.register(m.SubdivisionPlan)
class PlanAdmin(TenantAdmin):
    list_display = ("number", "name_ar", "status", "approval_date", "approval_hijri", "district")
    list_filter = ("municipality", "status")
    search_fields = ("number", "name_ar", "name_en")
    readonly_fields = (*RegisterAdmin.readonly_fields, "approval_hijri")
    autocomplete_fields = ("district",)

    @admin.display(description=_("approval date (Hijri)"))
    def approval_hijri(self, obj):
        return obj.approval_date_hijri


@admin.register(m.Block)
class BlockAdmin(LargeTableAdmin, TenantAdmin):
    list_display = ("number", "plan", "municipality")
    search_fields = ("number", "plan__number")
    autocomplete_fields = ("plan",)


@admin.register(m.Street)
class StreetAdmin(TenantAdmin):
    list_display = ("name_ar", "name_en", "kind", "width_m")
    list_filter = ("municipality", "kind")
    search_fields = ("name_ar", "name_en")
    autocomplete_fields = ("plan",)


@admin.register(m.ZoningRegulation)
class RegulationAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ar", "max_coverage_pct", "max_floors", "far")
    list_filter = ("municipality",)
    search_fields = ("code", "name_ar", "name_en")

    def save_model(self, request, obj, form, change):
        from audit.models import ChangeRecord
        from audit.services import change_record

        super().save_model(request, obj, form, change)
        action = ChangeRecord.Action.UPDATE if change else ChangeRecord.Action.CREATE
        change_record(instance=obj, action=action, actor=request.user,
                      changes={f: [None, str(form.cleaned_data.get(f))] for f in form.changed_data})


@admin.register(m.Zone)
class ZoneAdmin(TenantAdmin):
    list_display = ("name_ar", "regulation", "municipality")
    search_fields = ("name_ar", "name_en", "regulation__code")
    autocomplete_fields = ("regulation",)


@admin.register(m.Parcel)
class ParcelAdmin(LargeTableAdmin, TenantAdmin):
    list_display = ("number", "plan", "land_use", "status", "area", "deed_number", "valid_to")
    list_filter = ("municipality", "land_use", "status", ("valid_to", admin.EmptyFieldListFilter))
    search_fields = ("number", "deed_number", "plan__number")
    list_select_related = ("plan",)
    autocomplete_fields = ("plan", "block")
    fields = ("municipality", "plan", "block", "number", "land_use", "status", "deed_number", "geom",
              "area", "valid_from", "valid_to", "lineage", "version", "history", "expected_version")
    readonly_fields = (*RegisterAdmin.readonly_fields, "area", "valid_from", "valid_to", "lineage")
    actions = ("merge_selected", "split_in_two")

    @admin.display(description=_("area (m²)"), ordering="area_m2")
    def area(self, obj):
        return f"{obj.area_m2:,.1f}" if obj and obj.area_m2 is not None else "—"

    @admin.display(description=_("lineage"))
    def lineage(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        parents = ", ".join(str(p) for p in obj.parents.all())
        children = ", ".join(str(c) for c in obj.children.all())
        return _("from: %(parents)s · became: %(children)s") % {"parents": parents or "—", "children": children or "—"}

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.valid_to is not None:  # retired parcels are history
            return [f for f in self.fields if f != "expected_version"]
        if obj is not None:  # a parcel does not move between plans or tenants: that is a split/merge/import
            return (*self.readonly_fields, "municipality", "plan")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in ("number", "land_use", "status", "deed_number", "block", "geom")}
        if change:
            services.parcel_update(
                parcel=obj, actor=request.user, expected_version=form.cleaned_data.get("expected_version"), **data
            )
        else:
            created = services.parcel_create(
                municipality=form.cleaned_data["municipality"], plan=form.cleaned_data["plan"], actor=request.user,
                **data,
            )
            obj.pk = created.pk

    @admin.action(description=_("Merge the selected parcels"), permissions=["change"])
    def merge_selected(self, request, queryset):
        try:
            merged = services.parcel_merge(parcels=list(queryset), actor=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, _("Merged into parcel %(p)s.") % {"p": merged}, messages.SUCCESS)

    @admin.action(description=_("Split each selected parcel into two equal parts"), permissions=["change"])
    def split_in_two(self, request, queryset):
        for parcel in queryset:
            try:
                children = services.parcel_split(parcel=parcel, actor=request.user, parts=2)
            except ValidationError as exc:
                self.message_user(request, f"{parcel}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(p)s split into %(c)s.") % {
                    "p": parcel, "c": ", ".join(map(str, children))}, messages.SUCCESS)
