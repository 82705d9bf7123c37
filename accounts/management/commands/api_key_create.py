"""Issue an API key for another system: `manage.py api_key_create --municipality CODE --name NAME --scopes read`."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Municipality, Scope
from accounts.services import api_key_create


class Command(BaseCommand):
    help = "Issue an API key bound to a municipality and scopes; prints the token once."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="municipality code")
        parser.add_argument("--name", required=True, help="the system that will use the key")
        parser.add_argument("--scopes", default="read", help=f"comma-separated: {', '.join(Scope.values)}")
        parser.add_argument("--rate", type=int, default=600, help="requests per minute")

    def handle(self, *args, **opts):
        muni = Municipality.objects.filter(code=opts["municipality"]).first()
        if muni is None:
            raise CommandError(f"No municipality with code {opts['municipality']!r}.")
        scopes = [s.strip() for s in opts["scopes"].split(",") if s.strip()]
        unknown = sorted(set(scopes) - set(Scope.values))
        if unknown:
            raise CommandError(f"Unknown scopes: {', '.join(unknown)} (known: {', '.join(Scope.values)}).")
        if opts["rate"] < 1:
            raise CommandError("--rate must be at least 1.")
        key, token = api_key_create(
            municipality=muni, name=opts["name"], scopes=scopes, rate_per_minute=opts["rate"]
        )
        self.stdout.write(f"API key {key.prefix} for {muni.code} ({', '.join(key.scopes)}):")
        self.stdout.write(token)
