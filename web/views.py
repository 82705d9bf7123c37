from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import JsonResponse
from django.urls import reverse_lazy
from django.views.generic import TemplateView

from parcels import selectors
from runtime import replica
from web.map_config import map_config, membership_for


class HomeView(TemplateView):
    template_name = "web/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipalities"] = selectors.municipality_summaries()
        return context


# The map's ES modules, preloaded together (no bundler: the browser would discover them one import at a time).
MAP_MODULES = [f"web/map/{name}.js" for name in (
    "config", "base", "api", "ui", "geo", "draw", "layers", "search", "identify", "analysis", "measure", "edit",
    "main")]


class MapView(LoginRequiredMixin, TemplateView):
    """The planners' map. Signed-in people only: what it shows and lets them edit follows the
    municipality and scopes of their membership (accounts.selectors.staff_access)."""

    template_name = "web/map.html"
    login_url = reverse_lazy("web:login")

    def get(self, request, *args, **kwargs):
        membership = membership_for(request)
        if membership is None:
            return self.response_class(request, "web/map_no_access.html", status=403)
        return self.render_to_response({"config": map_config(request=request, membership=membership),
                                        "modules": MAP_MODULES})


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Staff go to the map, applicant users (offices, owners) to their applications in the inbox."""
        from accounts.selectors import staff_access

        return str(reverse_lazy("web:map" if staff_access(self.request.user, with_municipality=False)
                                else "web:inbox"))


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("web:home")


def health(request):
    """The primary answers; where this request's reads went (``replica`` once `make replica` runs and it streams
    within its lag limit) and the replica's state."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT postgis_lib_version()")
        postgis = cursor.fetchone()[0]
    state = replica.health()
    return JsonResponse({"status": "ok", "postgis": postgis,
                         "reads": {"from": replica.read_alias(), "replica": state.state,
                                   "replica_lag_s": None if state.lag_s is None else round(state.lag_s, 3)}})
