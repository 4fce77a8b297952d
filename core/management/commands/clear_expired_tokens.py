"""Delete the API tokens that have expired."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from knox.models import AuthToken


class Command(BaseCommand):
    """`clear_expired_tokens`"""

    help = "Delete expired API tokens (they are already refused; this removes the rows)."

    def handle(self, *args, **options):
        deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} expired token(s)."))
