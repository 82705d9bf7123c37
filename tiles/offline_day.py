"""An inspector's offline day (issue 20): what the processes registered in ``geo.offline`` contribute for the
caller and the day (licensing: the visits in route order with their checklists), and the map that covers it —
the addresses of the base map's tiles, style and glyphs for a device to keep (the installable inspection app's
service worker serves them offline).

GET /api/v1/offline/day?day=YYYY-MM-DD  (a signed-in member of a municipality; parts by permission)
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from accounts.selectors import user_has_permission
from api import params
from api.access import TenantScope
from api.base import ApiBase
from geo.offline import parts
from tiles.grid import tiles_touching
from tiles.style import FONT

DAY_ZOOMS = range(13, 17)
MAX_TILES = 3000
# Glyph ranges of Arabic and Latin labels (Basic Latin, Arabic, Arabic presentation forms).
GLYPH_RANGES = ("0-255", "1536-1791", "64256-64511", "65024-65279", "65280-65535")




def map_assets(bbox) -> dict:
    tiles = [f"/tiles/base/{t.z}/{t.x}/{t.y}.mvt" for z in DAY_ZOOMS for t in tiles_touching(tuple(bbox), z)]
    if len(tiles) > MAX_TILES:
        tiles = tiles[:MAX_TILES]
    stack = quote(",".join(FONT))
    return {"bbox": bbox, "zooms": [DAY_ZOOMS.start, DAY_ZOOMS.stop - 1], "tiles": tiles,
            "assets": ["/tiles/style.json", "/tiles/base/tilejson.json",
                       *[f"/tiles/fonts/{stack}/{r}.pbf" for r in GLYPH_RANGES]]}


def day_parts(*, user, municipality, day: date) -> dict:
    """What the registered processes contribute to ``user``'s offline day (the parts ``user`` may have)."""
    out = {}
    if user is None or isinstance(user, str):  # a system's key: an offline day is a person's
        return out
    for part in parts():
        if part.permission and not user_has_permission(user, part.permission, municipality_id=municipality.pk):
            continue
        out[part.key] = part.build(user=user, municipality=municipality, day=day)
    return out


class OfflineDayApi(ApiBase):
    permission_classes = [TenantScope]
    required_scopes = {"GET": "read"}

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        day = params.day(request.query_params.get("day"))
        municipality, user = self.municipality, self.actor
        out = day_parts(user=user, municipality=municipality, day=day)
        boxes = [p["bbox"] for p in out.values() if p.get("bbox")]
        body = {"day": day.isoformat(), "generated_at": timezone.now().isoformat(), "parts": out}
        if boxes:
            body["map"] = map_assets([min(b[0] for b in boxes), min(b[1] for b in boxes),
                                      max(b[2] for b in boxes), max(b[3] for b in boxes)])
        return Response(body)
