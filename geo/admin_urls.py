from django.urls import path

from geo import views

app_name = "geo"
urlpatterns = [path("context.geojson", views.context_features, name="context")]
