from django.apps import AppConfig


class ScratchAppConfig(AppConfig):
    """Installed in test settings only. Its layer is registered by the test that needs it (``layers.register_all``),
    as a real app registers its layers in ``ready()``, so the other tests see the registry as it ships."""

    name = "tests.scratch_app"
    label = "scratch_app"
