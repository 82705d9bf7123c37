from django.urls import path

from web.grants.views import GrantsPublicView

app_name = "grants-web"
urlpatterns = [path("", GrantsPublicView.as_view(), name="public")]
