"""Event writes, by sub-domain: `lifecycle` (create, propose, review, change,
cancel), `rsvp` (sign-ups under the date's row lock, the waiting list,
attendance), `reminders` (the day-before reminder with its task and its
scheduling), `feeds` (the secret calendar address); `common` holds what they
share.

Each write checks permission, runs inside `district.live.atomic`, and
publishes its live updates (the event's topic and its board's) from there.
The names below are the app's public writes: callers say
`services.rsvp_set(...)`.
"""

from events.services.draw import draw_run
from events.services.feeds import calendar_feed_for
from events.services.lifecycle import (
    EventFields,
    event_cancel,
    event_create,
    event_propose,
    event_review,
    event_update,
    occurrence_cancel,
)
from events.services.registration import registration_change
from events.services.reminders import reminders_send
from events.services.rsvp import MAX_GUESTS, Busy, attendance_record, rsvp_set

__all__ = [
    "MAX_GUESTS",
    "Busy",
    "EventFields",
    "attendance_record",
    "calendar_feed_for",
    "draw_run",
    "event_cancel",
    "event_create",
    "event_propose",
    "event_review",
    "event_update",
    "occurrence_cancel",
    "registration_change",
    "reminders_send",
    "rsvp_set",
]
