from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from district.models import IdempotencyKey


class Command(BaseCommand):
    help = "Delete idempotency keys older than IDEMPOTENCY_KEY_HOURS (run hourly or daily, e.g. from cron)."

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
        deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} idempotency keys.")
