"""The issued building permits as open data: a CSV in the spirit of BLDS (the Building and Land Development
Specification) — permit number, type, dates, status, parcel, plan, use, floors, floor area, location — with no
personal data, streamed (``GET /api/v1/permits/open-data.csv?municipality=<code>``, public)."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.gis.db.models.functions import PointOnSurface
from django.http import Http404, StreamingHttpResponse
from django.views.decorators.http import require_GET

from accounts.models import Municipality
from permits.models import Permit

COLUMNS = ("PermitNum", "PermitType", "IssuedDate", "ExpiresDate", "CompletedDate", "StatusCurrent", "ParcelNumber",
           "PlanNumber", "ProposedUse", "NumberOfFloors", "TotalSqFt_m2", "Latitude", "Longitude")


class _Echo:
    def write(self, value):
        return value


def rows(municipality: Municipality) -> Iterator[list]:
    permits = (Permit.objects.filter(municipality=municipality).select_related("parcel__plan")
               .annotate(at=PointOnSurface("geom")).order_by("issued_on", "number"))
    for p in permits.iterator(chunk_size=2000):
        yield [p.number, p.kind, p.issued_on.isoformat(), p.valid_until.isoformat(),
               p.completed_on.isoformat() if p.completed_on else "", p.status, p.parcel.number,
               p.parcel.plan.number, p.use, p.floors, f"{p.floor_area_m2:.2f}", f"{p.at.y:.7f}", f"{p.at.x:.7f}"]


@require_GET
def open_data_csv(request):
    code = request.GET.get("municipality", "")
    municipality = Municipality.objects.filter(code=code[:64]).first()
    if municipality is None:
        raise Http404("municipality")
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff" + writer.writerow(COLUMNS)  # a BOM: spreadsheets read the Arabic right
        for row in rows(municipality):
            yield writer.writerow(row)
    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="building-permits-{municipality.code}.csv"'
    return response
