"""The day-before reminder: the service, its background task (django-tasks, run by `db_worker`) and its scheduling, together."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks import task

from district import live
from district.services import notifications_create
from events import selectors
from events.models import RSVP, EventStatus, Occurrence, RSVPStatus
from events.services.common import when


@live.atomic
def reminders_send(*, occurrence_id: int, starts_at: datetime) -> int:
    """Remind everyone going to a date that starts within a day (in-app and by e-mail), once each.

    Does nothing if the date moved (its own reminder is queued), was
    cancelled, or is not within a day yet. Returns how many were reminded.
    """
    occurrence = (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("event__board")
        .filter(pk=occurrence_id, starts_at=starts_at)
        .first()
    )
    now = timezone.now()
    if (
        occurrence is None
        or occurrence.is_cancelled
        or occurrence.event.status != EventStatus.SCHEDULED
        or not occurrence.event.approved
        or not now < occurrence.starts_at <= now + selectors.REMINDER_AHEAD
    ):
        return 0
    rsvps = list(
        RSVP.objects.filter(
            occurrence=occurrence, status=RSVPStatus.GOING, reminded_at__isnull=True
        ).values_list("pk", "user_id")
    )
    notifications_create(
        users=[user_id for _, user_id in rsvps],
        kind="event_reminder",
        url=occurrence.event.get_absolute_url(),
        params={
            "title": occurrence.event.title,
            "when": when(occurrence.starts_at),
            "place": occurrence.event.location_name,
        },
        email_now=True,
    )
    RSVP.objects.filter(pk__in=[pk for pk, _ in rsvps]).update(reminded_at=now)
    return len(rsvps)


@task()
def occurrence_reminders(occurrence_id: int, starts_at: str) -> int:
    """Remind the people going to one date; a moved or cancelled date makes it do nothing."""
    return reminders_send(
        occurrence_id=occurrence_id, starts_at=parse_datetime(starts_at)
    )


def schedule_reminder(occurrence_id: int, starts_at: datetime) -> None:
    """Queue the reminder for a day before `starts_at`.

    Backends that cannot defer (the immediate backend of the test settings)
    get nothing queued; `manage.py send_event_reminders` sweeps instead.
    """
    if not occurrence_reminders.get_backend().supports_defer:
        return
    occurrence_reminders.using(run_after=starts_at - selectors.REMINDER_AHEAD).enqueue(
        occurrence_id, starts_at.isoformat()
    )


def schedule_reminders(occurrences: Iterable[Occurrence]) -> None:
    """Queue the day-before reminder of each date, after commit."""
    pending = [(o.pk, o.starts_at) for o in occurrences]

    def enqueue() -> None:
        for occurrence_id, starts_at in pending:
            schedule_reminder(occurrence_id, starts_at)

    transaction.on_commit(enqueue)
