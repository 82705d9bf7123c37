from django.urls import path

from portal.complaint_pages import views

urlpatterns = [
    path("complaints/new/", views.complaint_new, name="complaint-new"),
]
