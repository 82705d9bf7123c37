"""The survey panel's forms (surveys/views.py), under /surveys/ (config/urls.py)."""

from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("<int:pk>/survey/", views.new_version, name="new-version"),
    path("<int:pk>/accept-deviation/", views.accept_deviation, name="accept-deviation"),
]
