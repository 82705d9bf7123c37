from django.urls import include, path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("transactions/", views.transactions, name="transactions"),
    path("services/", views.services, name="services"),
    path("grant/", views.grant, name="grant"),
    path("investment/", views.investment, name="investment"),
    path("verify/", views.verify, name="verify"),
    path("", include("portal.identity.urls")),
    path("", include("portal.complaint_pages.urls")),
]
