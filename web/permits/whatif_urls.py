"""The planners' what-if page (web/permits/whatif.py), included by web/urls.py under /permits/whatif/."""

from django.urls import path

from web.permits.whatif import WhatIfView

urlpatterns = [
    path("", WhatIfView.as_view(), name="permits-whatif"),
]
