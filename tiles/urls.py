from django.urls import path, re_path

from tiles import raster_views, views

app_name = "tiles"

# z/x/y are matched loosely and parsed by the view, so a bad address gets a 400 with a reason.
urlpatterns = [
    path("", views.index, name="index"),
    path("style.json", views.style_json, name="style"),
    re_path(r"^fonts/(?P<fontstack>[^/]{1,200})/(?P<range_>[^/]{1,20})\.pbf$", views.glyphs, name="glyphs"),
    path("<slug:layer>/tilejson.json", views.layer_tilejson, name="tilejson"),
    re_path(r"^(?P<name>[^/]+)/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)\.png$", raster_views.raster_tile, name="raster"),
    re_path(r"^(?P<layer>[^/]+)/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)\.mvt$", views.tile, name="tile"),
]
