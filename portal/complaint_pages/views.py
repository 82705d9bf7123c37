"""Placeholder until complaints land."""

from portal.pages import page


def complaint_new(request):
    return page(request, "portal/home.html")
