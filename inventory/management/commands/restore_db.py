"""Restore a backup made by `backup_db` into an empty database."""

from django.core.management.base import BaseCommand, CommandError

from inventory.backup import BackupError, restore


class Command(BaseCommand):
    """`restore_db FILE --database NAME [--create]`"""

    help = "Restore FILE (from backup_db) into the empty database NAME, in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", required=True, help="target database (must be empty)")
        parser.add_argument("--create", action="store_true", help="create the database first")

    def handle(self, *args, **options):
        try:
            restore(options["file"], database=options["database"], create=options["create"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored into {options['database']}."))
