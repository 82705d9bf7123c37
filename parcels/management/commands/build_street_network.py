"""Rebuild a municipality's routable street network from its streets (after streets were edited or imported)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Municipality
from parcels.services.network import street_network_build


class Command(BaseCommand):
    help = "Rebuild the routable street network (nodes and edges) of a municipality from its streets."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="the municipality's code")

    def handle(self, *args, **options):
        muni = Municipality.objects.filter(code=options["municipality"]).first()
        if muni is None:
            raise CommandError(f"no municipality with the code {options['municipality']!r}")
        summary = street_network_build(municipality=muni, actor="build_street_network")
        self.stdout.write(f"{muni.code}: {summary.streets} streets -> {summary.nodes} nodes, {summary.edges} edges, "
                          f"{summary.components} connected component(s), {summary.dead_ends} dead end(s), "
                          f"{summary.length_m / 1000:.1f} km")
