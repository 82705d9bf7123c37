from django.urls import path

from web.inspect import app, supervisor

app_name = "inspect"
urlpatterns = [
    path("", app.InspectAppView.as_view(), name="app"),
    path("sw.js", app.service_worker, name="sw"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("supervisor/", supervisor.SupervisorView.as_view(), name="supervisor"),
    path("supervisor/submissions/<int:pk>/", supervisor.decide, name="decide"),
    path("supervisor/routes/", supervisor.plan_routes, name="plan-routes"),
]
