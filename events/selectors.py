"""Named reads of events: what the lists, the calendar, the feeds and the organisers' pages show."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AbstractUser
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from dong.models import DongPage
from events.models import RSVP, Event, EventStatus, Occurrence, ReviewState, RSVPStatus
from forums.models import Board
from forums.permissions import moderated_boards

REMINDER_AHEAD = timedelta(days=1)
# A board's calendar feed keeps recent history, so a phone does not drop last week's meeting.
FEED_HISTORY = timedelta(days=90)


@dataclass(frozen=True)
class EventFilters:
    """What a reader narrowed the lists to; every part optional."""

    dong_id: int | None = None
    audience: str = ""
    tag: str = ""
    date_from: date | None = None
    date_to: date | None = None
    board: Board | None = None

    def apply(self, occurrences: QuerySet[Occurrence]) -> QuerySet[Occurrence]:
        if self.board is not None:
            occurrences = occurrences.filter(event__board=self.board)
        if self.dong_id:
            occurrences = occurrences.filter(event__board__dong_id=self.dong_id)
        if self.audience:
            occurrences = occurrences.filter(event__board__audience=self.audience)
        if self.tag:
            occurrences = occurrences.filter(event__tags__name=self.tag)
        if self.date_from:
            occurrences = occurrences.filter(starts_at__gte=_day_start(self.date_from))
        if self.date_to:
            occurrences = occurrences.filter(
                starts_at__lt=_day_start(self.date_to + timedelta(days=1))
            )
        return occurrences


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _published() -> QuerySet[Occurrence]:
    return Occurrence.objects.filter(
        event__review_state=ReviewState.APPROVED
    ).select_related("event__board")


def upcoming_occurrences(board: Board | None = None) -> QuerySet[Occurrence]:
    """Dates still ahead (or begun within the hour) of approved, scheduled events, soonest first."""
    now = timezone.now() - timedelta(hours=1)
    occurrences = _published().filter(
        starts_at__gte=now,
        event__status=EventStatus.SCHEDULED,
        is_cancelled=False,
    )
    if board is not None:
        occurrences = occurrences.filter(event__board=board)
    return occurrences.order_by("starts_at", "id")


# What `events/includes/occurrence_item.html` shows: the date, the event, its board.
OCCURRENCE_LIST_FIELDS = (
    "starts_at",
    "event__title",
    "event__location_name",
    "event__board__slug",
    "event__board__name",
    "event__board__name_en",
)


def upcoming_event_dates(
    dong: DongPage | None = None, limit: int = 5
) -> list[Occurrence]:
    """The next event dates for a list (home, association page, its block), soonest first.

    `upcoming_occurrences()` with its rules, reading only what the list shows.
    """
    occurrences = upcoming_occurrences().only(*OCCURRENCE_LIST_FIELDS)
    if dong is not None:
        occurrences = occurrences.filter(event__board__dong=dong)
    return list(occurrences[:limit])


def listed_upcoming(filters: EventFilters) -> QuerySet[Occurrence]:
    """The upcoming list: cancelled dates stay visible (marked) so nobody travels to them."""
    occurrences = _published().filter(ends_at__gte=timezone.now())
    # No DISTINCT: every filter matches an occurrence at most once (one board, one tag name).
    return filters.apply(occurrences).order_by("starts_at", "id")


def past_occurrences(filters: EventFilters) -> QuerySet[Occurrence]:
    """The archive: dates that have ended, newest first."""
    occurrences = _published().filter(ends_at__lt=timezone.now())
    return filters.apply(occurrences).order_by("-starts_at", "-id")


# The month calendar shows at most this many dates a day, then "N more" (the day's list).
CALENDAR_DAY_CAP = 3
# The month's agenda (the list under the grid) shows at most this many dates, then a link.
AGENDA_CAP = 50


@dataclass(frozen=True)
class CalendarDay:
    day: date
    items: list[Occurrence]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True)
class MonthCalendar:
    weeks: list[list[CalendarDay]]
    agenda: list[Occurrence]
    total: int


def month_calendar(year: int, month: int, filters: EventFilters) -> MonthCalendar:
    """The weeks (Monday first) of a month in Seoul time, each day with its first dates of events.

    Three queries whatever the month holds: the count per day, the first
    CALENDAR_DAY_CAP dates of each day (`_first_of_each_day`), and the
    agenda's first AGENDA_CAP dates, all from the index on `starts_at`. On
    PostgreSQL only the count reads every date of the month.
    """
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    in_month = filters.apply(
        _published().filter(
            starts_at__gte=_day_start(first),
            starts_at__lt=_day_start(last + timedelta(days=1)),
        )
    )
    local_day = TruncDate("starts_at", tzinfo=timezone.get_current_timezone())
    # No DISTINCT: every filter matches a date at most once (one board, one tag name).
    totals = {
        row["day"]: row["n"]
        for row in in_month.order_by()
        .annotate(day=local_day)
        .values("day")
        .annotate(n=Count("id"))
    }
    by_day: dict[date, list[Occurrence]] = {}
    for occurrence in _first_of_each_day(in_month, totals, local_day):
        by_day.setdefault(timezone.localtime(occurrence.starts_at).date(), []).append(
            occurrence
        )
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return MonthCalendar(
        weeks=[
            [CalendarDay(day, by_day.get(day, []), totals.get(day, 0)) for day in week]
            for week in weeks
        ],
        agenda=list(in_month.order_by("starts_at", "id")[:AGENDA_CAP]),
        total=sum(totals.values()),
    )


def _first_of_each_day(
    in_month: QuerySet[Occurrence], totals: dict[date, int], local_day: TruncDate
) -> list[Occurrence]:
    """The first CALENDAR_DAY_CAP dates of each day of `totals` (day → count), in order.

    The days with at most the cap are read whole, in spans between the busier
    days: a usual month is one plain read. Each busier day is one range read
    stopped at the cap, added with UNION ALL (PostgreSQL). SQLite cannot limit
    the parts of a UNION: there, a month with a busier day is read with a
    window over the month (one process, a small site).
    """
    if not totals:
        return []
    busy = sorted(day for day, count in totals.items() if count > CALENDAR_DAY_CAP)
    if busy and not connection.features.supports_slicing_ordering_in_compound:
        return list(
            in_month.annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[local_day],
                    order_by=[F("starts_at").asc(), F("id").asc()],
                )
            )
            .filter(rank__lte=CALENDAR_DAY_CAP)
            .order_by("starts_at", "id")
        )
    spans, start = [], min(totals)
    for day in busy:
        if start < day:
            spans.append((start, day))
        start = day + timedelta(days=1)
    if start <= max(totals):
        spans.append((start, max(totals) + timedelta(days=1)))
    parts = [
        in_month.filter(
            starts_at__gte=_day_start(day),
            starts_at__lt=_day_start(day + timedelta(days=1)),
        ).order_by("starts_at", "id")[:CALENDAR_DAY_CAP]
        for day in busy
    ]
    if spans:
        quiet = Q()
        for first, end in spans:
            quiet |= Q(starts_at__gte=_day_start(first), starts_at__lt=_day_start(end))
        parts.insert(0, in_month.filter(quiet).order_by())
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return sorted(rows, key=lambda occurrence: (occurrence.starts_at, occurrence.pk))


def user_occurrences(user: AbstractUser, *, upcoming: bool = True) -> QuerySet[RSVP]:
    """The resident's sign-ups (going or waiting), with their dates and events."""
    rsvps = RSVP.objects.filter(
        user=user, status__in=(RSVPStatus.GOING, RSVPStatus.WAITLISTED)
    ).select_related("occurrence__event__board")
    if upcoming:
        rsvps = rsvps.filter(occurrence__ends_at__gte=timezone.now())
    return rsvps.order_by("occurrence__starts_at", "id")


def feed_events(board: Board) -> QuerySet[Event]:
    """A board's calendar feed: its approved events that have not ended long ago, with their dates."""
    return (
        Event.objects.filter(
            board=board,
            review_state=ReviewState.APPROVED,
            occurrences__ends_at__gte=timezone.now() - FEED_HISTORY,
        )
        .distinct()
        .prefetch_related("occurrences")
        .order_by("starts_at", "id")
    )


def attendees(occurrence: Occurrence) -> QuerySet[RSVP]:
    """Who signed up for a date: going first, then the waiting list in order; display names only."""
    return (
        RSVP.objects.filter(
            occurrence=occurrence,
            status__in=(RSVPStatus.GOING, RSVPStatus.WAITLISTED),
        )
        .select_related("user__profile")
        .order_by("status", "waitlisted_at", "created_at", "id")
    )


def pending_proposals(user: AbstractUser) -> QuerySet[Event]:
    """Proposals waiting on the boards this user organises on."""
    return (
        Event.objects.filter(
            review_state=ReviewState.PENDING,
            status=EventStatus.SCHEDULED,
            board__in=moderated_boards(user),
        )
        .select_related("board__dong", "organiser__profile")
        .order_by("created_at", "id")
    )
