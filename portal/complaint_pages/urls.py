from django.urls import path

from portal.complaint_pages import views

urlpatterns = [
    path("complaints/new/", views.complaint_new, name="complaint-new"),
    path("complaints/map/", views.complaints_map, name="complaints-map"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/join/", views.complaint_join_view, name="complaint-join"),
    path("complaints/<int:pk>/rate/", views.complaint_rate_view, name="complaint-rate"),
]
