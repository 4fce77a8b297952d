"""`refresh_live_coverage`: rebuild today's live coverage whole (run it daily, e.g. by cron)."""

from django.core.management.base import BaseCommand

from geo.coverage import live


class Command(BaseCommand):
    """Rebuild the live run: install and decommissioning dates that passed since count."""

    help = "Rebuild today's live coverage from the registry (daily, and after bulk SQL)."

    def handle(self, *args, **options):
        run = live.rebuild()
        if run is None:
            self.stdout.write("No desa/kelurahan is loaded: no live coverage.")
            return
        self.stdout.write(f"Live coverage of {run.as_of.isoformat()}: "
                          f"{run.input_counts['hotspots_active']} working hotspots, "
                          f"{run.input_counts['areas']} desa/kelurahan.")
