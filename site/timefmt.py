"""Dates and times written one way per language (district.formats), for pages, e-mails, feeds and live updates.

`when(value, "weekday")` names the format by a short kind; `when_range(start,
end)` writes "start – end", leaving out the end's date on the same day;
`texts(value)` gives the same text in every interface language, for a live
update that readers in five languages receive.
"""

from datetime import date, datetime

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.dateformat import format as django_format

KINDS = {
    "date": "DATE_FORMAT",
    "time": "TIME_FORMAT",
    "datetime": "DATETIME_FORMAT",
    "short": "SHORT_DATETIME_FORMAT",
    "short_date": "SHORT_DATE_FORMAT",
    "weekday": "WEEKDAY_DATE_FORMAT",
    "month_day": "MONTH_DAY_FORMAT",
    "year_month": "YEAR_MONTH_FORMAT",
}


def format_string(kind: str) -> str:
    """The active language's format for a kind; WEEKDAY_DATE_FORMAT is ours, so it is read from our module."""
    name = KINDS[kind]
    if name in formats.FORMAT_SETTINGS:
        return formats.get_format(name)
    language = translation.get_language() or settings.LANGUAGE_CODE
    for module in formats.get_format_modules(language):
        if hasattr(module, name):
            return getattr(module, name)
    return formats.get_format("DATE_FORMAT")


def when(value: date | datetime | None, kind: str = "datetime") -> str:
    if value is None or value == "":
        return ""
    if kind == "weekday_datetime":  # a date with its weekday, then the time
        return f"{when(value, 'weekday')} {when(value, 'time')}"
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return django_format(value, format_string(kind))


def when_range(start: datetime, end: datetime | None, kind: str = "weekday") -> str:
    """ "2026년 12월 3일 (목) 오후 7:00 – 오후 9:00"; on another day the end's date is written too."""
    start_local = timezone.localtime(start) if timezone.is_aware(start) else start
    first = when(start_local, "weekday_datetime" if kind == "weekday" else kind)
    if end is None:
        return first
    end_local = timezone.localtime(end) if timezone.is_aware(end) else end
    if end_local.date() == start_local.date():
        return f"{first} – {when(end_local, 'time')}"
    return f"{first} – {when(end_local, 'weekday_datetime' if kind == 'weekday' else kind)}"


def texts(value: datetime, kind: str = "short") -> dict[str, str]:
    """The same moment written in each interface language (for a live message every reader gets)."""
    result = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            result[code] = when(value, kind)
    return result
