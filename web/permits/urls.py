from django.urls import path

from web.permits import drawing, whatif

app_name = "permits-web"
urlpatterns = [
    path("new/", drawing.NewPermitView.as_view(), name="new"),
    path("cases/<int:pk>/proposal/", drawing.CorrectView.as_view(), name="correct"),
    path("whatif/", whatif.WhatIfView.as_view(), name="whatif"),
]
