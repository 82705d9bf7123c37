"""What every portal page shares: its municipality and the signed-in citizen in the context, and the rule that a
citizen's page needs a sign-in (to the portal's own sign-in page, coming back afterwards)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.models import Person
from portal.context import portal_municipality


def citizen_of(request) -> Person | None:
    """The person the signed-in user is (None: not signed in, or a sign-in that is no person)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(request, "_portal_citizen"):
        request._portal_citizen = Person.objects.filter(user=user).first()
    return request._portal_citizen


def page(request, template: str, context: dict | None = None, *, status: int = 200):
    base = {"portal_municipality": portal_municipality(request), "portal_citizen": citizen_of(request)}
    return render(request, template, {**base, **(context or {})}, status=status)


def citizen_required(view):
    """A page for a signed-in citizen: others go to the sign-in page and come back here after."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if citizen_of(request) is None:
            return redirect(f"{reverse('portal:sign-in')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapped
