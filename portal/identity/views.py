"""``/portal/sign-in/``, ``/portal/register/``, ``/portal/code/``, ``/portal/sign-out/``: the pages around the
identity provider. What a page answers never depends on whether the ID exists; limits per address and per ID
answer 429 with Retry-After."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.phones import normalised_mobile
from portal.context import portal_municipality
from portal.identity.models import CodePurpose
from portal.identity.providers import provider
from portal.identity.services import CodeRefused, valid_national_id
from portal.identity.throttle import client_address, throttle_hit
from portal.pages import page

PENDING = "portal_pending"
ASK_LIMIT = {"per_address": 10, "per_id": 3, "window_s": 900}
CHECK_LIMIT = {"per_address": 20, "per_id": 10, "window_s": 600}


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("portal:transactions")


def _throttled(request, template: str, context: dict, wait: int):
    response = page(request, template, {**context, "throttled": True}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _ask(request, *, purpose: str, national_id: str, mobile: str = "", name: str = ""):
    """Ask the provider for a challenge, then the code page — the same for every ID."""
    address = client_address(request)
    template = "portal/identity/sign_in.html" if purpose == CodePurpose.SIGN_IN else "portal/identity/register.html"
    wait = throttle_hit(kind=f"ask-{purpose}", address=address, national_id=national_id, **ASK_LIMIT)
    if wait is not None:
        return _throttled(request, template, {"next": _next(request)}, wait)
    provider().start(municipality=portal_municipality(request), purpose=purpose, national_id=national_id,
                     mobile=mobile, name=name, address=address)
    request.session[PENDING] = {"purpose": purpose, "national_id": national_id, "next": _next(request)}
    return redirect("portal:code")


def sign_in(request):
    if request.method != "POST":
        return page(request, "portal/identity/sign_in.html", {"next": _next(request)})
    national_id = (request.POST.get("national_id") or "").strip()
    if not valid_national_id(national_id):
        return page(request, "portal/identity/sign_in.html", {
            "next": _next(request), "national_id": national_id,
            "error": _("A national ID or iqama number has ten digits and starts with 1 or 2.")}, status=400)
    return _ask(request, purpose=CodePurpose.SIGN_IN, national_id=national_id)


def register(request):
    if request.method != "POST":
        return page(request, "portal/identity/register.html", {"next": _next(request)})
    p = request.POST
    national_id, name = (p.get("national_id") or "").strip(), " ".join((p.get("name") or "").split())[:200]
    mobile = normalised_mobile(p.get("mobile") or "")
    errors = {}
    if not valid_national_id(national_id):
        errors["national_id"] = _("A national ID or iqama number has ten digits and starts with 1 or 2.")
    if mobile is None:
        errors["mobile"] = _("A Saudi mobile number: 05 and eight digits.")
    if len(name) < 3:
        errors["name"] = _("Your full name, as on your ID.")
    if errors:
        return page(request, "portal/identity/register.html", {
            "next": _next(request), "errors": errors, "national_id": national_id, "name": name,
            "mobile": p.get("mobile", "")[:20]}, status=400)
    return _ask(request, purpose=CodePurpose.REGISTER, national_id=national_id, mobile=mobile, name=name)


def code(request):
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("portal:sign-in")
    context = {"pending": pending}
    if request.method != "POST":
        return page(request, "portal/identity/code.html", context)
    wait = throttle_hit(kind="check", address=client_address(request), national_id=pending["national_id"],
                        **CHECK_LIMIT)
    if wait is not None:
        return _throttled(request, "portal/identity/code.html", context, wait)
    try:
        person = provider().finish(purpose=pending["purpose"], national_id=pending["national_id"],
                                   answer=(request.POST.get("code") or "")[:12])
    except CodeRefused as exc:
        return page(request, "portal/identity/code.html", {**context, "error": str(exc)}, status=400)
    login(request, person.user, backend="django.contrib.auth.backends.ModelBackend")  # a new session key
    return redirect(pending.get("next") or "portal:transactions")


@require_POST
def sign_out(request):
    logout(request)
    return redirect("portal:home")
