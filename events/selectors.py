"""Named reads of events: what the pages, feeds and blocks list."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from events.models import EventStatus, Occurrence
from forums.models import Board


def upcoming_occurrences(board: Board | None = None) -> QuerySet[Occurrence]:
    """Dates still ahead (or begun within the hour) of approved, scheduled events, soonest first."""
    now = timezone.now() - timedelta(hours=1)
    occurrences = Occurrence.objects.filter(
        starts_at__gte=now,
        event__approved=True,
        event__status=EventStatus.SCHEDULED,
        is_cancelled=False,
    ).select_related("event__board")
    if board is not None:
        occurrences = occurrences.filter(event__board=board)
    return occurrences.order_by("starts_at")
