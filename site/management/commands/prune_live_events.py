from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from district.models import LiveEvent


class Command(BaseCommand):
    help = "Delete live-event log rows older than LIVE_EVENT_RETENTION_DAYS (run daily, e.g. from cron)."

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=settings.LIVE_EVENT_RETENTION_DAYS)
        deleted, _ = LiveEvent.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(
            f"Deleted {deleted} live events older than {cutoff:%Y-%m-%d %H:%M}."
        )
