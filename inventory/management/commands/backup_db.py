"""Back up the whole database to a file (pg_dump custom format)."""

from django.core.management.base import BaseCommand, CommandError

from inventory.backup import BackupError, backup


class Command(BaseCommand):
    """`backup_db FILE`"""

    help = "Back up the whole Simpul database (all tables, history included) to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            path = backup(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backed up to {path} ({path.stat().st_size} bytes)."))
