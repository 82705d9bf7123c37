from django.urls import path

from imports import api

app_name = "imports"
urlpatterns = [
    path("", api.ImportListView.as_view(), name="list"),
    path("<int:pk>/", api.ImportDetailView.as_view(), name="detail"),
    path("<int:pk>/commit/", api.ImportCommitView.as_view(), name="commit"),
]
