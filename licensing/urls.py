"""Licensing's API under /api/v1/ (api/urls.py includes it: LicensingConfig.api_urls)."""

from django.urls import path

from licensing import apis

urlpatterns = [
    path("licensing/activities", apis.ActivitiesApi.as_view(), name="licensing-activities"),
    path("licensing/eligibility", apis.EligibilityApi.as_view(), name="licensing-eligibility"),
    path("licensing/visits/sync", apis.SyncApi.as_view(), name="licensing-sync"),
    path("licensing/submissions", apis.SubmissionsApi.as_view(), name="licensing-submissions"),
    path("licensing/submissions/<int:pk>/decision", apis.SubmissionDecisionApi.as_view(),
         name="licensing-submission-decision"),
    path("licensing/photos/<int:pk>", apis.PhotoApi.as_view(), name="licensing-photo"),
    path("licensing/routes", apis.RoutesApi.as_view(), name="licensing-routes"),
]
