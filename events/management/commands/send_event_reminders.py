from django.core.management.base import BaseCommand
from django.utils import timezone

from events import selectors, services
from events.models import Occurrence, RSVPStatus


class Command(BaseCommand):
    help = (
        "Remind everyone going to a date that starts within a day and was not reminded yet. "
        "The worker queues each reminder by itself; run this from cron as a safety net."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        due = Occurrence.objects.filter(
            starts_at__gt=now,
            starts_at__lte=now + selectors.REMINDER_AHEAD,
            rsvps__status=RSVPStatus.GOING,
            rsvps__reminded_at__isnull=True,
        ).distinct()
        total = sum(
            services.reminders_send(occurrence_id=o.pk, starts_at=o.starts_at)
            for o in due
        )
        self.stdout.write(f"Reminded {total} people.")
