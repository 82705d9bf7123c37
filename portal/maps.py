"""The configuration the portal's maps read (``web/static/web/map/config.js``): the municipality's extent, the
public style and tiles, the page's language."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language

from accounts.models import Municipality

FALLBACK_BBOX = [43.4, 25.8, 43.6, 25.9]


def public_map_config(municipality: Municipality | None, **extra) -> dict:
    arabic = (get_language() or "ar").startswith("ar")
    bbox = (list(Municipality.objects.only("boundary").get(pk=municipality.pk).boundary.extent)
            if municipality else FALLBACK_BBOX)
    return {"lang": "ar" if arabic else "en", "municipality": {"bbox": bbox},
            "urls": {"style": reverse("tiles:style"), "tiles": reverse("tiles:index")}, "strings": {}, **extra}
