"""Admin for building rules (planners, docs/building-rules.md): rule sets by zoning code and version — adopted
ones read-only, drafts edited; "new version" and "adopt" as actions through the services — and overlays on the
offline map. Contradictions and overlapping versions are form errors, never a 500."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.gis.admin import GISModelAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.admin_readonly import ReadOnlyAdmin
from common.errors import RegisterError
from geo.widgets import OfflineMapWidget
from permits.models import Overlay, Permit, Proposal, RuleSet, RuleSetStatus
from permits.services.rules import COPIED, rule_set_adopt, rule_set_new_version, rule_set_problems


class RuleSetForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = ("municipality", "regulation", "number", "status", "valid_from", "valid_to", "source", *COPIED,
                  "notes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown, never typed: a rule set is adopted by the "adopt" action (the database's checks need it here).
        if "status" in self.fields:
            self.fields["status"].disabled = True

    def clean(self):
        data = super().clean()
        problems = rule_set_problems({k: data.get(k) for k in COPIED if k in data})
        if problems:
            raise forms.ValidationError(_("The rule set contradicts itself: %(p)s") % {"p": "; ".join(problems)})
        return data


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    form = RuleSetForm
    list_display = ("regulation", "number", "status", "valid_from", "valid_to", "coverage_ground_pct", "max_floors",
                    "max_height_m", "far", "front_setback_m", "side_setback_m", "rear_setback_m")
    list_filter = ("status", "regulation__code")
    actions = ["new_version", "adopt_tomorrow"]
    readonly_fields = ("adopted_by", "adopted_at")

    def has_change_permission(self, request, obj=None):
        # An adopted version is history: permits were checked against it. Change a draft, or make a new version.
        if obj is not None and obj.status == RuleSetStatus.ADOPTED:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.status == RuleSetStatus.DRAFT) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.status, obj.created_by = RuleSetStatus.DRAFT, request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("New version (a draft copy) of the selected rule sets"))
    def new_version(self, request, queryset):
        for rule_set in queryset:
            draft = rule_set_new_version(rule_set=rule_set, actor=request.user)
            self.message_user(request, _("Draft version %(n)s of %(c)s made.") % {"n": draft.number,
                                                                                   "c": rule_set.regulation.code})

    @admin.action(description=_("Adopt the selected drafts from tomorrow"))
    def adopt_tomorrow(self, request, queryset):
        day: date = timezone.localdate() + timedelta(days=1)
        for rule_set in queryset.filter(status=RuleSetStatus.DRAFT):
            try:
                rule_set_adopt(rule_set=rule_set, actor=request.user, valid_from=day)
            except RegisterError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(request, _("Version %(n)s of %(c)s adopted from %(d)s.")
                                  % {"n": rule_set.number, "c": rule_set.regulation.code, "d": day})


@admin.register(Overlay)
class OverlayAdmin(GISModelAdmin):
    gis_widget = OfflineMapWidget
    list_display = ("name_ar", "kind", "prohibited", "extra_setback_m", "max_height_m", "valid_from", "valid_to")
    list_filter = ("kind", "prohibited")


ReadOnly = ReadOnlyAdmin


@admin.register(Permit)
class PermitAdmin(ReadOnly):
    list_display = ("number", "kind", "status", "issued_on", "valid_until", "use", "floors", "floor_area_m2")
    list_filter = ("status", "kind")
    search_fields = ("number",)


@admin.register(Proposal)
class ProposalAdmin(ReadOnly):
    list_display = ("case", "number", "passed", "rule_set", "rules_date", "floor_area_m2", "source")
    list_filter = ("passed", "source")
