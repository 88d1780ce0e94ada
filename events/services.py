"""Event writes: creating, proposing, reviewing, changing and cancelling events; RSVPs under a row lock; attendance.

Each write checks permission, runs in one transaction, and publishes its live
updates (the event's topic and its board's) and notifications after commit.
"""

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from district.live import Broadcast, publish_on_commit
from district.markup import render_markdown
from district.services import notification_create
from events import permissions, selectors
from events.models import (
    ORGANISER_FIELDS,
    RSVP,
    CalendarFeed,
    Event,
    EventStatus,
    Occurrence,
    ReviewState,
    RSVPStatus,
)
from events.recurrence import occurrence_starts
from forums.models import Board
from forums.services import display_name, thread_create

MAX_GUESTS = 3


class Busy(ValidationError):
    """The date is locked by a rush of sign-ups for longer than we let anyone wait."""


EDITABLE_FIELDS = frozenset(ORGANISER_FIELDS)
SCHEDULE_FIELDS = ("starts_at", "ends_at", "recurrence")
PLACE_FIELDS = ("location_name", "address", "online_url")


def counts_payload(occurrence: Occurrence) -> dict:
    return {
        "event_id": occurrence.event_id,
        "occurrence_id": occurrence.pk,
        "going": occurrence.going_count,
        "waitlisted": occurrence.waitlist_count,
        "places_left": occurrence.places_left(),
        "cancelled": occurrence.called_off,
    }


def _both_topics(event: Event, type_: str, data: dict) -> list[Broadcast]:
    """The same news for the event page and for its board's pages."""
    return [
        Broadcast(event.topic, type_, data),
        Broadcast(event.board.topic, type_, {"event_id": event.pk, **data}),
    ]


def _when(moment: datetime) -> str:
    return moment.isoformat()


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")


def _validated(event: Event) -> None:
    event.description_html = render_markdown(event.description)
    event.full_clean(exclude=["board", "organiser", "thread", "reviewed_by"])


def _create_occurrences(event: Event) -> list[Occurrence]:
    duration = event.ends_at - event.starts_at
    occurrences = Occurrence.objects.bulk_create(
        Occurrence(event=event, starts_at=start, ends_at=start + duration)
        for start in occurrence_starts(event.recurrence, event.starts_at)
    )
    _schedule_reminders(occurrences)
    return occurrences


def _schedule_reminders(occurrences: Iterable[Occurrence]) -> None:
    """Queue the day-before reminder of each date, after commit (see events.tasks)."""
    pending = [(o.pk, o.starts_at) for o in occurrences]

    def enqueue() -> None:
        from events.tasks import schedule_reminder

        for occurrence_id, starts_at in pending:
            schedule_reminder(occurrence_id, starts_at)

    transaction.on_commit(enqueue)


def _start_discussion(event: Event) -> None:
    """The event's thread on its board, authored by its organiser."""
    event.thread = thread_create(
        author=event.organiser,
        board=event.board,
        title=event.title,
        body=event.description if len(event.description.strip()) >= 2 else event.title,
        enforce_limits=False,
    )
    event.save(update_fields=["thread"])


def _new_event(
    *,
    board: Board,
    organiser: AbstractUser,
    tags: Iterable[str],
    fields: dict,
    review_state: str = ReviewState.APPROVED,
) -> Event:
    """Validate and save an event with its tags and dates (no thread, no broadcast)."""
    _check_fields(fields)
    event = Event(board=board, organiser=organiser, review_state=review_state, **fields)
    _validated(event)
    event.save()
    if tags:
        event.tags.set(list(tags))
        event.save()
    _create_occurrences(event)
    return event


def _created(event: Event) -> Broadcast:
    """Board readers hear of a newly published event."""
    return Broadcast(
        event.board.topic,
        "event.created",
        {"event_id": event.pk, "title": event.title},
    )


@transaction.atomic
def event_create(
    *, organiser: AbstractUser, board: Board, tags: Iterable[str] = (), **fields
) -> Event:
    """An organiser's event, published at once with its dates and its discussion thread."""
    if not permissions.can_organise(organiser, board):
        raise PermissionDenied
    event = _new_event(board=board, organiser=organiser, tags=tags, fields=fields)
    _start_discussion(event)
    publish_on_commit(_created(event))
    return event


@transaction.atomic
def event_propose(
    *, proposer: AbstractUser, board: Board, tags: Iterable[str] = (), **fields
) -> Event:
    """A resident's suggestion: saved as waiting, shown to nobody but the proposer and the board's organisers, who are told."""
    if permissions.can_organise(proposer, board):
        return event_create(organiser=proposer, board=board, tags=tags, **fields)
    if not permissions.can_propose(proposer, board):
        raise PermissionDenied
    event = _new_event(
        board=board,
        organiser=proposer,
        tags=tags,
        fields=fields,
        review_state=ReviewState.PENDING,
    )
    broadcasts = [
        notification_create(
            user=reviewer,
            kind="event_proposed",
            actor_name=display_name(proposer),
            url=event.get_absolute_url(),
            params={"title": event.title, "board": board.name},
        )[1]
        for reviewer in selectors.board_organisers(board)
    ]
    if broadcasts:
        publish_on_commit(*broadcasts)
    return event


@transaction.atomic
def event_review(
    *, reviewer: AbstractUser, event: Event, approve: bool, note: str = ""
) -> Event:
    """Approve a proposal (it is published with its discussion thread) or decline it with a reason; the proposer is told."""
    event = (
        Event.objects.select_for_update(of=("self",))
        .select_related("board__dong", "organiser")
        .get(pk=event.pk)
    )
    if not permissions.can_organise(reviewer, event.board):
        raise PermissionDenied
    if event.review_state != ReviewState.PENDING:
        raise ValidationError(_("This proposal has already been reviewed."))
    note = note.strip()
    if not approve and not note:
        raise ValidationError(
            {"note": _("Please give a reason: the proposer will see it.")}
        )
    event.review_state = ReviewState.APPROVED if approve else ReviewState.REJECTED
    event.review_note = note[:1000]
    event.reviewed_by = reviewer
    event.reviewed_at = timezone.now()
    event.save(
        update_fields=["review_state", "review_note", "reviewed_by", "reviewed_at"]
    )
    broadcasts = []
    if approve:
        _start_discussion(event)
        broadcasts.append(_created(event))
    broadcasts.append(
        notification_create(
            user=event.organiser,
            kind="event_approved" if approve else "event_rejected",
            actor_name=display_name(reviewer),
            url=event.get_absolute_url(),
            params={"title": event.title, "reason": note},
        )[1]
    )
    publish_on_commit(*broadcasts)
    return event


def _signed_up(occurrences: Iterable[Occurrence]) -> list[AbstractUser]:
    """Everyone going or waiting on these dates, once each."""
    rsvps = RSVP.objects.filter(
        occurrence__in=list(occurrences),
        status__in=(RSVPStatus.GOING, RSVPStatus.WAITLISTED),
    ).select_related("user")
    return list({rsvp.user_id: rsvp.user for rsvp in rsvps}.values())


def _tell(
    users: Iterable[AbstractUser], kind: str, event: Event, **params
) -> list[Broadcast]:
    return [
        notification_create(
            user=user,
            kind=kind,
            url=event.get_absolute_url(),
            params={"title": event.title, **params},
        )[1]
        for user in users
    ]


def _reschedule(event: Event, was_recurrence: str) -> tuple[list, list]:
    """Bring the future dates in line with the new start, end and rule.

    A uniform move (same rule, same number of future dates) moves every
    date with its sign-ups (a cancelled date stays cancelled). Otherwise
    dates that no longer exist are cancelled if people signed up or removed
    if nobody did, and new dates are added. Past dates are history and stay.
    Returns (moved dates, dates cancelled here): their people are told.
    """
    now = timezone.now()
    duration = event.ends_at - event.starts_at
    future = list(
        event.occurrences.select_for_update()
        .filter(starts_at__gt=now)
        .order_by("starts_at")
    )
    wanted = [
        start
        for start in occurrence_starts(event.recurrence, event.starts_at)
        if start > now
    ]
    if not wanted:
        raise ValidationError(
            {"starts_at": _("Choose a time in the future for at least one date.")}
        )
    if event.recurrence == was_recurrence and len(wanted) == len(future):
        moved = []
        pairs = list(zip(future, wanted, strict=True))
        if wanted[0] > future[0].starts_at:
            pairs.reverse()  # move the last first, so no two dates ever share a start
        for occurrence, start in pairs:
            if (occurrence.starts_at, occurrence.ends_at) == (start, start + duration):
                continue
            occurrence.starts_at, occurrence.ends_at = start, start + duration
            occurrence.save(update_fields=["starts_at", "ends_at"])
            if not occurrence.is_cancelled:
                moved.append(occurrence)
        _schedule_reminders(moved)
        return moved, []
    cancelled = []
    for occurrence in future:
        if occurrence.starts_at in wanted:
            if occurrence.ends_at != occurrence.starts_at + duration:
                occurrence.ends_at = occurrence.starts_at + duration
                occurrence.save(update_fields=["ends_at"])
        elif occurrence.going_count or occurrence.waitlist_count:
            if not occurrence.is_cancelled:
                occurrence.is_cancelled = True
                occurrence.save(update_fields=["is_cancelled"])
                cancelled.append(occurrence)
        else:
            occurrence.delete()
    taken = set(event.occurrences.values_list("starts_at", flat=True))
    new = Occurrence.objects.bulk_create(
        Occurrence(event=event, starts_at=start, ends_at=start + duration)
        for start in wanted
        if start not in taken
    )
    _schedule_reminders(new)
    return [], cancelled


@transaction.atomic
def event_update(
    *, actor: AbstractUser, event: Event, tags: Iterable[str] | None = None, **fields
) -> Event:
    """Change an event. Capacity can't go below the people already going; a larger one moves the waiting list up.

    Changing the time moves the dates with their sign-ups; changing the time
    or the place tells everyone signed up.
    """
    event = (
        Event.objects.select_for_update(of=("self",))
        .select_related("board__dong", "organiser")
        .get(pk=event.pk)
    )
    if not permissions.can_edit_event(actor, event):
        raise PermissionDenied
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(_("This event is cancelled and can no longer change."))
    _check_fields(fields)
    before = {name: getattr(event, name) for name in EDITABLE_FIELDS}
    for name, value in fields.items():
        setattr(event, name, value)
    _validated(event)
    changed = {name for name in EDITABLE_FIELDS if getattr(event, name) != before[name]}
    future = list(
        event.occurrences.select_for_update()
        .filter(starts_at__gt=timezone.now(), is_cancelled=False)
        .order_by("id")
    )
    if event.capacity is not None:
        crowded = max(future, key=lambda o: o.going_count, default=None)
        if crowded is not None and crowded.going_count > event.capacity:
            raise ValidationError(
                {
                    "capacity": ngettext(
                        "%(count)d person is already going on %(date)s: the number of places can't be lower than that.",
                        "%(count)d people are already going on %(date)s: the number of places can't be lower than that.",
                        crowded.going_count,
                    )
                    % {
                        "count": crowded.going_count,
                        "date": formats.date_format(
                            timezone.localtime(crowded.starts_at), "DATETIME_FORMAT"
                        ),
                    }
                }
            )
    event.save()
    if tags is not None:
        event.tags.set(list(tags))
        event.save()
    broadcasts: list[Broadcast] = []
    moved: list[Occurrence] = []
    dropped: list[Occurrence] = []
    if changed & set(SCHEDULE_FIELDS):
        moved, dropped = _reschedule(event, before["recurrence"])
    if "capacity" in changed and (
        event.capacity is None
        or (before["capacity"] is not None and event.capacity > before["capacity"])
    ):
        for occurrence in future:
            occurrence.event = event
            broadcasts += _promote(occurrence)
            occurrence.save(update_fields=["going_count", "waitlist_count"])
    if event.approved:
        told = set()
        for what, dates in (
            ("dates", dropped),
            ("time", moved),
            (
                "place",
                event.occurrences.filter(starts_at__gt=timezone.now())
                if changed & set(PLACE_FIELDS)
                else [],
            ),
        ):
            people = [p for p in _signed_up(dates) if p.pk not in told]
            told.update(p.pk for p in people)
            broadcasts += _tell(people, "event_changed", event, what=what)
        for occurrence in event.occurrences.filter(
            pk__in=[o.pk for o in future + moved + dropped]
        ).select_related("event__board"):
            broadcasts += _both_topics(
                event, "rsvp.changed", counts_payload(occurrence)
            )
        broadcasts += _both_topics(event, "event.changed", {"fields": sorted(changed)})
    if broadcasts:
        publish_on_commit(*broadcasts)
    return event


def _locked(occurrence: Occurrence) -> Occurrence:
    """The date's row, locked until commit: sign-ups to one date happen one at a time.

    On PostgreSQL the wait is bounded (EVENTS_RSVP_LOCK_TIMEOUT_SECONDS, below
    the connection pool's timeout), so a rush on one event answers "try again"
    instead of holding every pooled connection until requests fail.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true)",
                [f"{int(settings.EVENTS_RSVP_LOCK_TIMEOUT_SECONDS * 1000)}ms"],
            )
    try:
        return (
            Occurrence.objects.select_for_update(of=("self",))
            .select_related("event__board")
            .get(pk=occurrence.pk)
        )
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", "") != "55P03":  # lock_not_available
            raise
        raise Busy(
            _("Many people are signing up right now. Please try again in a moment.")
        ) from None


def _check_open(occurrence: Occurrence) -> None:
    event = occurrence.event
    now = timezone.now()
    if occurrence.called_off:
        raise ValidationError(_("This event is cancelled."))
    if event.review_state != ReviewState.APPROVED:
        raise ValidationError(_("This event is waiting for approval."))
    if occurrence.starts_at <= now:
        raise ValidationError(_("This event has already started or is over."))
    if event.rsvp_deadline and event.rsvp_deadline <= now:
        raise ValidationError(_("Sign-up for this event has closed."))


def _promote(occurrence: Occurrence) -> list[Broadcast]:
    """Move people up from the waiting list in order while places allow.

    A party larger than the places left keeps its turn but does not block
    smaller parties behind it, so no place stays empty while someone who fits
    is waiting (and a newcomer who fits, who joins behind them all, is
    treated alike).
    """
    broadcasts = []
    capacity = occurrence.event.capacity
    waiting = RSVP.objects.filter(
        occurrence=occurrence, status=RSVPStatus.WAITLISTED
    ).select_related("user")
    for rsvp in waiting.order_by("waitlisted_at", "id"):
        if capacity is not None and occurrence.going_count >= capacity:
            break
        if capacity is not None and occurrence.going_count + rsvp.seats > capacity:
            continue
        rsvp.status = RSVPStatus.GOING
        rsvp.save(update_fields=["status"])
        occurrence.going_count += rsvp.seats
        occurrence.waitlist_count -= 1
        broadcasts += _tell(
            [rsvp.user],
            "rsvp_promoted",
            occurrence.event,
            when=_when(occurrence.starts_at),
        )
    return broadcasts


@transaction.atomic
def rsvp_set(
    *, user: AbstractUser, occurrence: Occurrence, going: bool, guests: int = 0
) -> RSVP:
    """Say you are going (with up to MAX_GUESTS guests) or no longer going.

    The occurrence row is locked, so under any concurrency the last place goes
    to exactly one person and the rest join the waiting list in order. A
    cancellation moves the waiting list up (see `_promote`); those moved up
    are told. Raises `Busy` (a ValidationError) when a rush on the date
    keeps it locked too long.
    """
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    if not 0 <= guests <= MAX_GUESTS:
        raise ValidationError(
            _("You can bring between 0 and %(max)d guests.") % {"max": MAX_GUESTS}
        )
    occurrence = _locked(occurrence)
    rsvp = RSVP.objects.filter(occurrence=occurrence, user=user).first()
    previous = rsvp.status if rsvp else RSVPStatus.CANCELLED
    previous_seats = rsvp.seats if rsvp else 0
    broadcasts: list[Broadcast] = []
    if going:
        _check_open(occurrence)
        capacity = occurrence.event.capacity
        seats = 1 + guests
        if previous == RSVPStatus.GOING:
            free = (
                None
                if capacity is None
                else capacity - occurrence.going_count + previous_seats
            )
            if free is not None and seats > free:
                raise ValidationError(
                    _("Not enough places left for %(count)d guests.")
                    % {"count": guests}
                )
            status = RSVPStatus.GOING
        elif capacity is None or occurrence.going_count + seats <= capacity:
            status = RSVPStatus.GOING
        else:
            status = RSVPStatus.WAITLISTED
    else:
        status = RSVPStatus.CANCELLED
    if rsvp is None:
        rsvp = RSVP(occurrence=occurrence, user=user)
    if status == RSVPStatus.WAITLISTED and previous != RSVPStatus.WAITLISTED:
        rsvp.waitlisted_at = timezone.now()
    rsvp.status, rsvp.guests = (
        status,
        guests if status != RSVPStatus.CANCELLED else rsvp.guests,
    )
    rsvp.save()
    if previous == RSVPStatus.GOING:
        occurrence.going_count -= previous_seats
    elif previous == RSVPStatus.WAITLISTED:
        occurrence.waitlist_count -= 1
    if status == RSVPStatus.GOING:
        occurrence.going_count += rsvp.seats
    elif status == RSVPStatus.WAITLISTED:
        occurrence.waitlist_count += 1
    if (
        previous == RSVPStatus.GOING
        and status != RSVPStatus.GOING
        or rsvp.seats < previous_seats
    ):
        broadcasts += _promote(occurrence)
    occurrence.save(update_fields=["going_count", "waitlist_count"])
    publish_on_commit(
        *_both_topics(occurrence.event, "rsvp.changed", counts_payload(occurrence)),
        *broadcasts,
    )
    return rsvp


@transaction.atomic
def event_cancel(*, actor: AbstractUser, event: Event, reason: str) -> Event:
    """Cancel the whole event (or withdraw a proposal) and tell everyone going or waiting."""
    event = (
        Event.objects.select_for_update(of=("self",))
        .select_related("board__dong")
        .get(pk=event.pk)
    )
    if not permissions.can_edit_event(actor, event):
        raise PermissionDenied
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(_("This event is already cancelled."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Please give a reason: the people signed up will see it.")}
        )
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status"])
    broadcasts = _tell(
        _signed_up(event.occurrences.all()), "event_cancelled", event, reason=reason
    )
    if event.approved:
        broadcasts += _both_topics(event, "event.cancelled", {"reason": reason})
    if broadcasts:
        publish_on_commit(*broadcasts)
    return event


@transaction.atomic
def occurrence_cancel(
    *, actor: AbstractUser, occurrence: Occurrence, reason: str
) -> Occurrence:
    """Cancel one date of a repeating event (this week's tea is off); the people signed up for it are told."""
    occurrence = _locked(occurrence)
    event = occurrence.event
    if not permissions.can_organise(actor, event.board):
        raise PermissionDenied
    if occurrence.called_off:
        raise ValidationError(_("This date is already cancelled."))
    if occurrence.has_started():
        raise ValidationError(_("This date has already started or is over."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Please give a reason: the people signed up will see it.")}
        )
    occurrence.is_cancelled = True
    occurrence.save(update_fields=["is_cancelled"])
    broadcasts = _tell(
        _signed_up([occurrence]),
        "occurrence_cancelled",
        event,
        reason=reason,
        when=_when(occurrence.starts_at),
    )
    publish_on_commit(
        *_both_topics(event, "rsvp.changed", counts_payload(occurrence)), *broadcasts
    )
    return occurrence


@transaction.atomic
def attendance_record(
    *, actor: AbstractUser, occurrence: Occurrence, attended: Iterable[int]
) -> int:
    """Record who came to a date that has begun: the RSVPs in `attended` came, the rest going did not.

    When every date of the event has ended, the event is marked completed.
    Returns the number of people recorded as present.
    """
    occurrence = _locked(occurrence)
    if not permissions.can_manage_attendees(actor, occurrence.event):
        raise PermissionDenied
    if not occurrence.has_started():
        raise ValidationError(
            _("Attendance can be recorded once the event has started.")
        )
    present = set(attended)
    going = RSVP.objects.filter(occurrence=occurrence, status=RSVPStatus.GOING)
    going.update(attended=False)
    count = going.filter(pk__in=present).update(attended=True)
    event = occurrence.event
    if (
        event.status == EventStatus.SCHEDULED
        and not event.occurrences.filter(ends_at__gt=timezone.now()).exists()
    ):
        event.status = EventStatus.COMPLETED
        event.save(update_fields=["status"])
    return count


@transaction.atomic
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
        ).select_related("user")
    )
    broadcasts = []
    for rsvp in rsvps:
        broadcasts.append(
            notification_create(
                user=rsvp.user,
                kind="event_reminder",
                url=occurrence.event.get_absolute_url(),
                params={
                    "title": occurrence.event.title,
                    "when": _when(occurrence.starts_at),
                    "place": occurrence.event.location_name,
                },
                email_now=True,
            )[1]
        )
    RSVP.objects.filter(pk__in=[r.pk for r in rsvps]).update(reminded_at=now)
    if broadcasts:
        publish_on_commit(*broadcasts)
    return len(rsvps)


def calendar_feed_for(*, user: AbstractUser, renew: bool = False) -> CalendarFeed:
    """The resident's secret "my events" calendar address; `renew` replaces it (the old one stops working)."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        feed = CalendarFeed(user=user)
    elif not renew:
        return feed
    feed.token = secrets.token_urlsafe(32)
    feed.save()
    return feed
