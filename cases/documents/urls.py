"""The public verification page of issued documents (included at /verify/ by config/urls.py)."""

from django.urls import re_path

from cases.documents import views

urlpatterns = [
    re_path(r"^(?P<token>[A-Za-z0-9_-]{1,64})/$", views.verify, name="documents-verify"),
]
