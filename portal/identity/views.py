"""Placeholder pages until sign-in by code lands."""

from django.contrib.auth import logout
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from portal.pages import page


def sign_in(request):
    return page(request, "portal/home.html")


def register(request):
    return page(request, "portal/home.html")


@require_POST
def sign_out(request):
    logout(request)
    return redirect("portal:home")
