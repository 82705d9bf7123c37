from django.urls import path

from web import views
from web.inbox.urls import urlpatterns as inbox_urls

app_name = "web"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("map/", views.MapView.as_view(), name="map"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("healthz", views.health, name="health"),
    *inbox_urls,
]
