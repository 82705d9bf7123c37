"""Survey decisions' routes under /api/v1/ (api/urls.py includes this module: SurveysConfig.api_urls)."""

from django.urls import path

from surveys import apis

urlpatterns = [
    path("surveys/<int:pk>/", apis.SurveyComparisonApi.as_view(), name="survey-comparison"),
    path("surveys/<int:pk>/accept-deviation/", apis.SurveyAcceptDeviationApi.as_view(),
         name="survey-accept-deviation"),
    path("my/surveys/<int:pk>/", apis.MySurveyComparisonApi.as_view(), name="my-survey-comparison"),
    path("my/surveys/<int:pk>/versions/", apis.MySurveyVersionApi.as_view(), name="my-survey-version"),
]
