"""Recurring events: an RRULE (RFC 5545) with an end, expanded into occurrences."""

from datetime import datetime

from dateutil.rrule import rrulestr
from django.utils.translation import gettext as _

MAX_OCCURRENCES = 104


class RecurrenceError(ValueError):
    pass


def parse_rule(rule: str, start: datetime):
    text = rule.strip().removeprefix("RRULE:")
    upper = text.upper()
    if "COUNT=" not in upper and "UNTIL=" not in upper:
        raise RecurrenceError(
            _(
                "A repeating event needs an end: add COUNT (how many times) or UNTIL (a last date)."
            )
        )
    try:
        return rrulestr(text, dtstart=start)
    except (ValueError, TypeError) as error:
        raise RecurrenceError(
            _("This repeat rule is not valid: %(error)s") % {"error": error}
        ) from None


def occurrence_starts(rule: str, start: datetime) -> list[datetime]:
    """The start of every occurrence (the first is `start`), at most MAX_OCCURRENCES."""
    if not rule:
        return [start]
    starts = []
    for moment in parse_rule(rule, start):
        starts.append(moment)
        if len(starts) >= MAX_OCCURRENCES:
            break
    return starts or [start]
