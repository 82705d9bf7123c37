"""The public verification page of issued documents (included at /verify/ by config/urls.py)."""

from django.urls import re_path

from cases.documents import views

urlpatterns = [
    re_path(r"^(?P<token>[^/]{1,200})/$", views.verify, name="documents-verify"),
]
