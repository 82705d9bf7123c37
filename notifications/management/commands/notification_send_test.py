"""manage.py notification_send_test --municipality CODE [--phone N] [--email A] [--language ar|en] — queue the test
message (checks the configured backends end to end; the worker sends it)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Municipality
from notifications.services import NotificationRefused, Recipient, notification_send


class Command(BaseCommand):
    help = "Queue the test message to a phone and/or email address."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True)
        parser.add_argument("--name", default="Ardh operator")
        parser.add_argument("--phone", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--language", default="ar", choices=["ar", "en"])

    def handle(self, *args, **o):
        municipality = Municipality.objects.filter(code=o["municipality"]).first()
        if municipality is None:
            raise CommandError(f"No municipality {o['municipality']!r}")
        recipient = Recipient(name=o["name"], phone=o["phone"], email=o["email"], language=o["language"])
        try:
            n = notification_send(municipality=municipality, recipient=recipient, template="test_message")
        except NotificationRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Queued notification {n.pk}: {n.deliveries.count()} delivery(ies)")
