"""Background jobs of events (django-tasks, run by `manage.py db_worker`): the day-before reminder."""

from datetime import datetime

from django.utils.dateparse import parse_datetime
from django_tasks import task

from events import selectors


@task()
def occurrence_reminders(occurrence_id: int, starts_at: str) -> int:
    """Remind the people going to one date; a moved or cancelled date makes it do nothing."""
    from events.services import reminders_send

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
