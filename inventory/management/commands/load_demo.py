"""Load the synthetic Kota Mojokerto demo (approximate boundaries, generated assets)."""

import time

from django.core.management.base import BaseCommand, CommandError

from fixtures.demo import build_demo
from geo.scoring.demo import load_demo_claims
from inventory.services import DemoLoadError, load_demo


class Command(BaseCommand):
    """`load_demo`: idempotent; running it again changes nothing."""

    help = (
        "Load the Kota Mojokerto demo: 3 kecamatan and 18 kelurahan with real codes, names and "
        "BPS 2023 population on approximate boundaries, and synthetic facilities, fiber and "
        "158 free-wifi hotspots (all marked source='demo')."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            summary = load_demo(build_demo())
        except DemoLoadError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Areas: {summary.areas_created} kelurahan created, {summary.areas_updated} updated."
        )
        for name, counts in summary.counts.items():
            self.stdout.write(
                f"{name}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged, {counts['deleted']} deleted."
            )
        self.stdout.write("Demo claims: {} created, {} updated.".format(*load_demo_claims()))
        self.stdout.write(
            self.style.SUCCESS(f"Demo loaded in {time.monotonic() - started:.1f} s.")
        )
