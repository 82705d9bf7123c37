from django.urls import path

from web.investment import views

app_name = "investment-web"
urlpatterns = [
    path("", views.PublicOpportunitiesView.as_view(), name="public"),
]
