"""The message templates: a code, what it is for, and Django templates per channel under
``notifications/messages/<code>/`` (``sms.txt``; ``email_subject.txt``, ``email_body.txt``), written with
``{% translate %}`` / ``{% blocktranslate %}`` so each renders in Arabic or English (locale/ar). Processes
register theirs in ``AppConfig.ready()``."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

TEMPLATES: dict[str, str] = {}


def register_template(code: str, label) -> None:
    TEMPLATES[code] = label


register_template("test_message", _("A test message from Ardh"))


def render(code: str, channel: str, context: dict, language: str) -> tuple[str, str]:
    """(subject, body) of template ``code`` on ``channel`` in ``language``."""
    folder = f"notifications/messages/{code}"
    with translation.override(language):
        if channel == "sms":
            return "", render_to_string(f"{folder}/sms.txt", context).strip()
        subject = " ".join(render_to_string(f"{folder}/email_subject.txt", context).split())
        return subject, render_to_string(f"{folder}/email_body.txt", context).strip()
