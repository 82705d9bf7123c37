from django.urls import path

from web.investment import staff, views

app_name = "investment-web"
urlpatterns = [
    path("", views.PublicOpportunitiesView.as_view(), name="public"),
    path("<int:pk>/", views.OpportunityView.as_view(), name="opportunity"),
    path("staff/", staff.StaffListView.as_view(), name="staff"),
    path("staff/<int:pk>/", staff.StaffOpportunityView.as_view(), name="staff-opportunity"),
]
