"""One set of date and time formats per interface language (FORMAT_MODULE_PATH = "district.formats").

Django's own locale formats wrote a time five ways across the site ("7:00 오후",
"오후 7:00", "19:00", "2026-11-30 07:41", "26. 11. 30. 오전 7:52"). Every
template, e-mail, feed and live update now uses these names only: DATE_FORMAT,
TIME_FORMAT, DATETIME_FORMAT, SHORT_DATE_FORMAT, SHORT_DATETIME_FORMAT,
MONTH_DAY_FORMAT, YEAR_MONTH_FORMAT, and WEEKDAY_DATE_FORMAT (a date with its
weekday; `district.timefmt` reads it, Django's `date` filter knows only its own
names). A range is "start – end" with the end's date left out on the same day
(`{% when_range %}`).
"""
