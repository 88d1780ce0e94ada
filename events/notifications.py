"""How event notifications read, composed in the reader's language and time zone when shown."""

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from district.models import Notification


def _when(n: Notification) -> str:
    moment = parse_datetime(n.params.get("when", ""))
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def rsvp_promoted(n: Notification) -> str:
    return _("A place opened up: you are now going to “%(title)s”.") % n.params


def rsvp_drawn(n: Notification) -> str:
    return _("You were drawn: you have a place at “%(title)s” on %(when)s.") % {
        **n.params,
        "when": _when(n),
    }


def rsvp_draw_waitlisted(n: Notification) -> str:
    return (
        _(
            "The draw for “%(title)s” is done: you are on the waiting list, in drawn order."
        )
        % n.params
    )


def event_cancelled(n: Notification) -> str:
    return _("“%(title)s” is cancelled. Reason: %(reason)s") % n.params


def occurrence_cancelled(n: Notification) -> str:
    return _("“%(title)s” on %(when)s is cancelled. Reason: %(reason)s") % {
        **n.params,
        "when": _when(n),
    }


def event_changed(n: Notification) -> str:
    if n.params.get("what") == "dates":
        return (
            _(
                "The dates of “%(title)s” have changed: a date you signed up for was cancelled."
            )
            % n.params
        )
    if n.params.get("what") == "time":
        return _("The time of “%(title)s” has changed: please check the new time.") % (
            n.params
        )
    return _("The place of “%(title)s” has changed: please check where to go.") % (
        n.params
    )


def event_reminder(n: Notification) -> str:
    return _("Reminder: “%(title)s” starts on %(when)s.") % {
        **n.params,
        "when": _when(n),
    }


def event_proposed(n: Notification) -> str:
    return _(
        "%(actor)s proposed an event on %(board)s: “%(title)s”. Please review it."
    ) % {
        **n.params,
        "actor": n.actor_name,
    }


def event_approved(n: Notification) -> str:
    return _("Your event “%(title)s” was approved and is published.") % n.params


def event_rejected(n: Notification) -> str:
    return _("Your event proposal “%(title)s” was not approved. Reason: %(reason)s") % (
        n.params
    )


KINDS = (
    "rsvp_promoted",
    "rsvp_drawn",
    "rsvp_draw_waitlisted",
    "event_cancelled",
    "occurrence_cancelled",
    "event_changed",
    "event_reminder",
    "event_proposed",
    "event_approved",
    "event_rejected",
)
