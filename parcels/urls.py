"""The registers' API under /api/v1/ (included by ``api.urls`` through ``ParcelsConfig.api_urls``)."""

from django.urls import path

from parcels.apis import analysis, lineage, registers, search

_REGISTERS = {
    "parcels": (registers.ParcelListApi, registers.ParcelDetailApi),
    "plans": (registers.PlanListApi, registers.PlanDetailApi),
    "districts": (registers.DistrictListApi, registers.DistrictDetailApi),
    "zones": (registers.ZoneListApi, registers.ZoneDetailApi),
    "streets": (registers.StreetListApi, registers.StreetDetailApi),
}

urlpatterns = [
    path("analysis/buffer/", analysis.BufferAnalysisApi.as_view(), name="buffer-analysis"),
    path("search/", search.SearchApi.as_view(), name="search"),  # the planners' map (web/)
    path("parcels/<int:pk>/lineage/", search.ParcelLineageApi.as_view(), name="parcel-lineage"),
    path("regulations/<int:pk>/", search.RegulationApi.as_view(), name="regulation"),
    path("parcels/merge/", lineage.ParcelMergeApi.as_view(), name="parcel-merge"),
    path("parcels/<int:pk>/split/", lineage.ParcelSplitApi.as_view(), name="parcel-split"),
    path("<str:register>/<int:pk>/history/", registers.RecordHistoryApi.as_view(), name="history"),
]
for name, (list_api, detail_api) in _REGISTERS.items():
    urlpatterns += [
        path(f"{name}/", list_api.as_view(), name=f"{name}-list"),
        path(f"{name}/<int:pk>/", detail_api.as_view(), name=f"{name}-detail"),
    ]
