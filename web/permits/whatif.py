"""``/permits/whatif/``: a planner picks a draft version of a zoning code's building rules and a district and sees
on the map, before adopting it, the issued permits that would no longer comply (red) and the vacant parcels
coloured by the change of their buildable area, with counts and totals (``permits.whatif``; docs/permits-whatif.md).

Who: staff of the municipality who edit the registers (planners, GIS editors, administrators) or approve
permits. A read; nothing is written."""

from __future__ import annotations

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View

from common.errors import RegisterError
from parcels.models import District
from permits.models import RuleSet, RuleSetStatus
from permits.whatif import whatif
from web.inbox.viewer import viewer_of
from web.map_config import map_config

PERMISSIONS = ("registers.write", "permits.approve")
# Change of buildable area (m²) → fill: lost area red, none pale, gained green.
CHANGE_STOPS = ((-100, "#922b21"), (-25, "#e74c3c"), (-0.01, "#f5b7b1"), (0, "#f4f6f6"), (0.01, "#abebc6"),
                (25, "#2ecc71"), (100, "#1e8449"))
TABLE_ROWS = 100


class WhatIfForm(forms.Form):
    draft = forms.ModelChoiceField(queryset=RuleSet.objects.none(), label=gettext_lazy("Draft rule set"))
    district = forms.ModelChoiceField(queryset=District.objects.none(), label=gettext_lazy("District"))
    on = forms.DateField(required=False, label=gettext_lazy("Compare with the rules in force on"),
                         help_text=gettext_lazy("Empty: today."), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["draft"].queryset = (RuleSet.objects.filter(municipality=municipality, status=RuleSetStatus.DRAFT)
                                         .select_related("regulation").order_by("regulation__code", "-number"))
        self.fields["draft"].label_from_instance = lambda r: f"{r.regulation.code} v{r.number} ({r.regulation})"
        self.fields["district"].queryset = District.objects.filter(municipality=municipality).order_by("code")
        self.fields["district"].label_from_instance = lambda d: f"{d.code} — {d.name_ar}"


def may_use(viewer) -> bool:
    return viewer.is_staff and any(viewer.access.can(p) for p in PERMISSIONS)


class WhatIfView(LoginRequiredMixin, View):
    login_url = reverse_lazy("web:login")

    def get(self, request):
        viewer = viewer_of(request)
        if not may_use(viewer):
            return render(request, "permits/whatif_no_access.html", {"viewer": viewer}, status=403)
        municipality = viewer.municipality
        asked = "draft" in request.GET or "district" in request.GET
        form = WhatIfForm(request.GET if asked else None, municipality=municipality)
        context = {"viewer": viewer, "form": form, "stops": CHANGE_STOPS, "result": None}
        status = 200
        if asked and form.is_valid():
            try:
                result = whatif(draft=form.cleaned_data["draft"], district=form.cleaned_data["district"],
                                on=form.cleaned_data["on"], with_geometry=True)
            except RegisterError as exc:
                form.add_error(None, str(exc))
                status = 422
            else:
                context.update(self.presented(result))
                context["config"] = {**map_config(request=request, membership=viewer.access),
                                     "whatif": self.map_part(result, form.cleaned_data["district"])}
        elif asked:
            status = 400
        return render(request, "permits/whatif.html", context, status=status)

    @staticmethod
    def presented(result: dict) -> dict:
        explain = "explain_ar" if (get_language() or "ar").startswith("ar") else "explain_en"
        permits = [{**p, "reasons": [r[explain] for r in p["failing"]]} for p in result["permits"]]
        changed = sorted((p for p in result["parcels"] if p["change_m2"]), key=lambda p: p["change_m2"])
        return {"result": result, "permits": permits, "changed": changed[:TABLE_ROWS],
                "more_changed": max(len(changed) - TABLE_ROWS, 0)}

    @staticmethod
    def map_part(result: dict, district) -> dict:
        parcels = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": p["id"], "geometry": p["geometry"],
             "properties": {"number": p["number"], "before": p["before_m2"], "after": p["after_m2"],
                            "change": p["change_m2"]}} for p in result["parcels"]]}
        permits = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": p["id"], "geometry": p["geometry"],
             "properties": {"number": p["number"], "parcel": p["parcel"],
                            "rules": ", ".join(r["rule"] for r in p["failing"])}} for p in result["permits"]]}
        return {"parcels": parcels, "permits": permits, "bounds": list(district.geom.extent),
                "stops": [list(s) for s in CHANGE_STOPS],
                "strings": {"parcel": _("Parcel"), "permit": _("Permit"), "before": _("buildable now (m²)"),
                            "after": _("with the draft (m²)"), "change": _("change (m²)"),
                            "rules": _("rules it would fail")}}
