"""Spatial questions over every registered layer, under /api/v1/ (``GeoConfig.api_urls``)."""

from django.urls import path

from geo import apis

urlpatterns = [
    path("at-point/", apis.AtPointApi.as_view(), name="at-point"),
    path("<str:layer>/intersecting/", apis.IntersectingApi.as_view(), name="intersecting"),
    path("<str:layer>/within-distance/", apis.WithinDistanceApi.as_view(), name="within-distance"),
    path("<str:layer>/nearest/", apis.NearestApi.as_view(), name="nearest"),
]
