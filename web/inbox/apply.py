"""``/inbox/new/<case_type>/``: the application form, drawn from the case type's declared fields and documents;
the parcel by deed or parcel number or a click on the map; the applicant looked up by national ID (staff,
logged) or chosen among the parties an applicant user acts for."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.gis.geos import Point
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import Municipality, Party
from cases import selectors, services
from cases.types import UnknownCaseType, get_case_type
from common.errors import RegisterError
from parcels.selectors import parcels_current
from web.inbox import present
from web.inbox.case_page import refusal_status, refusal_text
from web.inbox.viewer import Viewer, viewer_of
from web.map_config import map_config

HTML_INPUT = {"text": "text", "integer": "number", "decimal": "number", "date": "date", "boolean": "checkbox"}


def form_fields(ct, values: dict, errors: dict) -> list[dict]:
    """The type's fields as the template draws them: the HTML input and its attributes, value and error."""
    out = []
    for f in ct.fields:
        attrs = {}
        if f.kind == "text":
            attrs["maxlength"] = f.max_length
            if f.pattern:
                attrs["pattern"] = f.pattern
        if f.kind in ("integer", "decimal"):
            attrs["step"] = "1" if f.kind == "integer" else "any"
            if f.min_value is not None:
                attrs["min"] = f.min_value
            if f.max_value is not None:
                attrs["max"] = f.max_value
        out.append({"name": f.name, "label": str(f.label), "kind": f.kind, "input": HTML_INPUT.get(f.kind, "text"),
                    "required": f.required and f.kind != "boolean", "attrs": attrs,
                    "choices": [(c, str(label)) for c, label in f.choices],
                    "value": values.get(f.name, ""), "error": errors.get(f.name, "")})
    return out


# File pickers filter by extension on most systems: give both the types and their usual extensions.
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg,.jpeg", "image/vnd.dxf": ".dxf",
              "image/vnd.dwg": ".dwg", "application/geo+json": ".geojson,.json", "text/csv": ".csv,.txt"}


def accept(content_types) -> str:
    return ",".join([*content_types, *(EXTENSIONS[t] for t in content_types if t in EXTENSIONS)])


def raw_values(ct, post) -> dict:
    data = {}
    for f in ct.fields:
        if f.kind == "boolean":
            data[f.name] = post.get(f"f_{f.name}") == "on"
            continue
        value = (post.get(f"f_{f.name}") or "").strip()
        if value == "":
            continue
        if f.kind == "integer":
            try:
                value = int(value)
            except ValueError:
                pass
        data[f.name] = value
    return data


def _municipality(viewer: Viewer, post_or_get) -> Municipality | None:
    if viewer.is_staff:
        return viewer.municipality
    try:
        pk = int(post_or_get.get("municipality") or 0)
    except ValueError:
        return None
    return Municipality.objects.filter(pk=pk).exclude(short_code="").defer("boundary").first()


class ApplyView(LoginRequiredMixin, View):
    login_url = reverse_lazy("web:login")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        try:
            self.ct = get_case_type(kwargs["case_type"])
        except UnknownCaseType:
            raise Http404("case type") from None
        if getattr(self.ct, "internal", False):  # opened only from another case (an objection from its case)
            raise Http404("case type")

    def get(self, request, case_type: str):
        viewer = viewer_of(request)
        if not (viewer.is_staff or viewer.is_applicant):
            return render(request, "web/inbox/no_access.html", status=403)
        return self.page(request, viewer, values={}, errors={}, status=200)

    def page(self, request, viewer, *, values, errors, status, error="", extra=None):
        ct = self.ct
        context = {
            "viewer": viewer, "ct": ct, "title": ct.title_ar if present.arabic() else ct.title_en,
            "fields": form_fields(ct, values, errors), "errors": errors, "error": error,
            "documents": [{"code": d.code, "label": str(d.label), "required": d.required,
                           "accept": accept(d.content_types), "error": errors.get(f"doc_{d.code}", "")}
                          for d in ct.documents],
            "parties": (Party.objects.filter(pk__in=viewer.parties).order_by("kind", "pk")
                        if viewer.is_applicant else []),
            "municipalities": ([] if viewer.is_staff else
                               Municipality.objects.exclude(short_code="").defer("boundary").order_by("name_ar")),
            "post": request.POST if request.method == "POST" else {},
            **(extra or {}),
        }
        if viewer.is_staff:
            context["config"] = {**map_config(request=request, membership=viewer.access), "inbox": {"pick": True}}
        return render(request, "web/inbox/apply.html", context, status=status)

    def post(self, request, case_type: str):
        viewer = viewer_of(request)
        if not (viewer.is_staff or viewer.is_applicant):
            return render(request, "web/inbox/no_access.html", status=403)
        ct, p = self.ct, request.POST
        data = raw_values(ct, p)
        values = {f.name: p.get(f"f_{f.name}", "") for f in ct.fields}
        _cleaned, errors = ct.clean_data(data)
        errors = {k: v for k, v in errors.items()}
        for d in ct.documents:
            if d.required and f"doc_{d.code}" not in request.FILES:
                errors[f"doc_{d.code}"] = _("This document is required.")
        muni = _municipality(viewer, p)
        if muni is None:
            errors["municipality"] = _("Choose the municipality.")
        applicant = self.applicant(request, viewer, muni, p, errors)
        parcel, point = self.location(muni, p, errors) if muni else (None, None)
        if errors:
            return self.page(request, viewer, values=values, errors=errors, status=400,
                             error=_("Correct the fields marked below."))
        try:
            files = {d.code: request.FILES[f"doc_{d.code}"] for d in ct.documents if f"doc_{d.code}" in request.FILES}
            case = services.case_apply(municipality=muni, case_type=ct.code, actor=request.user, data=data,
                                       parties=[(applicant, "applicant")], parcels=[parcel] if parcel else [],
                                       point=point, files=files)
        except RegisterError as exc:
            return self.page(request, viewer, values=values, errors=errors, status=refusal_status(exc),
                             error=refusal_text(exc))
        return redirect("web:inbox-case", pk=case.pk)

    def applicant(self, request, viewer, muni, p, errors):
        if viewer.is_applicant:
            try:
                pk = int(p.get("party") or 0)
            except ValueError:
                pk = 0
            if pk not in viewer.parties:
                errors["party"] = _("Choose yourself or a party you represent.")
                return None
            return Party.objects.get(pk=pk)
        national_id = (p.get("national_id") or "").strip()
        if not (len(national_id) == 10 and national_id.isdigit() and national_id[0] in "12"):
            errors["national_id"] = _("A national ID or iqama number has ten digits and starts with 1 or 2.")
            return None
        person = selectors.person_by_national_id(municipality=muni, national_id=national_id, actor=request.user,
                                                 purpose="application form: applicant")
        if person is None:
            errors["national_id"] = _("No person with this national ID is registered; add them first.")
        return person

    def location(self, muni, p, errors):
        """The parcel named by deed or parcel number, or the one under the point clicked on the map."""
        q = (p.get("parcel") or "").strip()[:32]
        current = parcels_current(municipality=muni)
        if q:
            found = list(current.filter(Q(deed_number=q) | Q(number=q)).only("pk", "municipality_id", "valid_to",
                                                                               "number")[:2])
            if not found:
                errors["parcel"] = _("No current parcel with this deed or parcel number.")
            elif len(found) > 1:
                errors["parcel"] = _("Several parcels have this number; give the deed number.")
            else:
                return found[0], None
            return None, None
        try:
            lon, lat = float(p.get("lon", "")), float(p.get("lat", ""))
        except ValueError:
            if self.ct.needs_parcel:
                errors["parcel"] = _("Name the parcel by its deed or parcel number, or click it on the map.")
                return None, None
            errors["parcel"] = _("Name the parcel, or click the place on the map.")
            return None, None
        point = Point(lon, lat, srid=4326)
        parcel = current.filter(geom__intersects=point).only("pk", "municipality_id", "valid_to", "number").first()
        if parcel is None and self.ct.needs_parcel:
            errors["parcel"] = _("There is no current parcel where you clicked.")
        return parcel, (None if parcel else point)
