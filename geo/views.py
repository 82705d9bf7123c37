"""Context features for the admin map: what lies around the record being edited."""

from __future__ import annotations

import json

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from accounts.selectors import municipality_ids_with
from geo.bbox import parse_bbox
from geo.layers import all_layers

CONTEXT_LIMIT = 3000
MAX_SPAN_DEG = 0.05  # about 5 km: more than this is not an editing view


@staff_member_required
def context_features(request):
    try:
        box = parse_bbox(request.GET.get("bbox", ""))
        if box.area == 0:
            raise ValueError(_("bbox must have min < max within longitude/latitude ranges"))
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    features = []
    # Only the municipalities the person works in (the admin's rule, accounts.admin_site); all for a superuser.
    tenants = municipality_ids_with(request.user)
    xmin, ymin, xmax, ymax = box.extent
    if xmax - xmin <= MAX_SPAN_DEG and ymax - ymin <= MAX_SPAN_DEG:
        for layer in all_layers():
            if not layer.admin_context:
                continue
            name = layer.name
            qs = layer.queryset()
            if tenants is not None:
                qs = qs.filter(**{f"{layer.tenant_field or 'pk'}__in": tenants})
            rows = (
                qs
                .filter(**{f"{layer.geom_field}__bboverlaps": box})
                .annotate(_gj=AsGeoJSON(layer.geom_field, precision=7))
                .values_list("pk", "_gj")[:CONTEXT_LIMIT]
            )
            features += [
                {"type": "Feature", "id": f"{name}.{pk}", "properties": {"layer": name}, "geometry": json.loads(gj)}
                for pk, gj in rows
            ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
