"""Recurring events: an RRULE (RFC 5545) with an end, expanded into occurrences."""

import re
from datetime import datetime
from itertools import islice

from dateutil.rrule import rrulestr
from django.utils import timezone
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
    if not re.search(r"(^|;)FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;|$)", upper):
        raise RecurrenceError(
            _("An event can repeat daily, weekly, monthly or yearly (FREQ=…).")
        )
    try:
        # Expand in Seoul time: BYDAY=TU means a Tuesday in Seoul, whatever UTC says.
        return rrulestr(text, dtstart=timezone.localtime(start))
    except (ValueError, TypeError) as error:
        raise RecurrenceError(
            _("This repeat rule is not valid: %(error)s") % {"error": error}
        ) from None


def validate_rule(rule: str, start: datetime) -> None:
    """Raise RecurrenceError unless the rule ends and gives at most MAX_OCCURRENCES dates."""
    dates = parse_rule(rule, start)
    if sum(1 for _date in islice(dates, MAX_OCCURRENCES + 1)) > MAX_OCCURRENCES:
        raise RecurrenceError(
            _("A repeating event can have at most %(max)d dates.")
            % {"max": MAX_OCCURRENCES}
        )


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


def describe(rule: str) -> str:
    """The rule in words for the patterns the event form offers; the rule itself otherwise."""
    text = rule.strip().removeprefix("RRULE:").upper()
    parts = dict(part.split("=", 1) for part in text.split(";") if "=" in part)
    count = parts.get("COUNT", "")
    freq = (parts.get("FREQ"), parts.get("INTERVAL", "1"))
    if set(parts) <= {"FREQ", "INTERVAL", "COUNT"} and count.isdigit():
        n = int(count)
        if freq == ("WEEKLY", "1"):
            return _("Every week, %(count)d times") % {"count": n}
        if freq == ("WEEKLY", "2"):
            return _("Every two weeks, %(count)d times") % {"count": n}
        if freq == ("MONTHLY", "1"):
            return _("Every month, %(count)d times") % {"count": n}
        if freq == ("DAILY", "1"):
            return _("Every day, %(count)d times") % {"count": n}
    return rule
