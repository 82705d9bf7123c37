from django.urls import path

from api.apis import analysis_export, lineage, registers, search, spatial

app_name = "api"

_REGISTERS = {
    "parcels": (registers.ParcelListApi, registers.ParcelDetailApi),
    "plans": (registers.PlanListApi, registers.PlanDetailApi),
    "districts": (registers.DistrictListApi, registers.DistrictDetailApi),
    "zones": (registers.ZoneListApi, registers.ZoneDetailApi),
    "streets": (registers.StreetListApi, registers.StreetDetailApi),
}

urlpatterns = [
    path("at-point/", spatial.AtPointApi.as_view(), name="at-point"),
    path("analysis/buffer/", spatial.BufferAnalysisApi.as_view(), name="buffer-analysis"),
    path("search/", search.SearchApi.as_view(), name="search"),  # the planners' map (web/)
    path("analysis/export/", analysis_export.AnalysisExportApi.as_view(), name="analysis-export"),
    path("parcels/<int:pk>/lineage/", search.ParcelLineageApi.as_view(), name="parcel-lineage"),
    path("regulations/<int:pk>/", search.RegulationApi.as_view(), name="regulation"),
    path("parcels/merge/", lineage.ParcelMergeApi.as_view(), name="parcel-merge"),
    path("parcels/<int:pk>/split/", lineage.ParcelSplitApi.as_view(), name="parcel-split"),
    path("<str:layer>/intersecting/", spatial.IntersectingApi.as_view(), name="intersecting"),
    path("<str:layer>/within-distance/", spatial.WithinDistanceApi.as_view(), name="within-distance"),
    path("<str:layer>/nearest/", spatial.NearestApi.as_view(), name="nearest"),
    path("<str:register>/<int:pk>/history/", registers.RecordHistoryApi.as_view(), name="history"),
]
for name, (list_api, detail_api) in _REGISTERS.items():
    urlpatterns += [
        path(f"{name}/", list_api.as_view(), name=f"{name}-list"),
        path(f"{name}/<int:pk>/", detail_api.as_view(), name=f"{name}-detail"),
    ]
