from django.urls import re_path

from tiles.mapproxy_app import mapproxy

urlpatterns = [re_path(r"^(?P<path>.*)$", mapproxy, name="mapproxy")]
