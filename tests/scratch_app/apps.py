from django.apps import AppConfig


class ScratchAppConfig(AppConfig):
    """Installed in test settings only. Its layer is registered by the test that needs it (``layers.register_all``),
    as a real app registers its layers in ``ready()``, so the other tests see the registry as it ships. Its case
    type (``case_types.KIOSK_PERMIT``) is registered here, as a process app does: the cases' tests use it."""

    name = "tests.scratch_app"
    label = "scratch_app"
    demo_part = "tests.scratch_app.demo:generate"  # its part of the demo (fixtures/demo.py)

    def ready(self):
        from cases.types import register_case_type
        from tests.scratch_app.case_types import KIOSK_PERMIT

        register_case_type(KIOSK_PERMIT)
