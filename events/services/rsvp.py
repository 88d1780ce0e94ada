"""Signing up for a date: registration windows, the fast path, the waiting list, draws' entries, attendance.

Under a registration-day rush the common case (a new sign-up while places
remain) takes no long lock: the resident's own row is written first, then one
conditional UPDATE of the date's counter (`going_count + seats <= capacity`,
re-checked by PostgreSQL after any concurrent update of the row) takes the
places or fails, and the transaction commits; the date's row is held only
from that UPDATE to the commit; on a date that looked full, one statement
puts the resident on the waiting list instead. On PostgreSQL a cancellation
(and the waiting list's move-up) is one call of `events_rsvp_cancel`
(migration events 0008): each round trip made while the date is held costs
the holder a wait for its process's CPU under a rush, and everyone waits for
the holder. The counts reach the pages after commit (`live.publish_state`),
so the live log's rows are not locked meanwhile. Everything else (changes of
party size, SQLite's cancellations, and the same after a draw) takes the
date's row lock with `lock_occurrence` first, then the resident's row; a
draw's entries hold the date only against the draw itself (`_draw_entry`)."""

import math
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from district import live
from district.compiled import Compiled
from district.ratelimit import rate_limit
from events import permissions
from events.models import (
    RSVP,
    BoardRegistrationPolicy,
    Draw,
    EventStatus,
    Occurrence,
    ReviewState,
    RSVPStatus,
)
from events.services.common import tell, when

MAX_GUESTS = 3


class Busy(ValidationError):
    """The date is locked by a rush of sign-ups for longer than we let anyone wait."""


def _bound_lock_waits() -> None:
    """On PostgreSQL, waits for a date's row end after EVENTS_RSVP_LOCK_TIMEOUT_SECONDS (this transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true)",
                [f"{int(settings.EVENTS_RSVP_LOCK_TIMEOUT_SECONDS * 1000)}ms"],
            )


@contextmanager
def _busy_when_locked_too_long() -> Iterator[None]:
    try:
        yield
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", "") != "55P03":  # lock_not_available
            raise
        raise Busy(
            _("Many people are signing up right now. Please try again in a moment.")
        ) from None


def lock_occurrence(occurrence: Occurrence) -> Occurrence:
    """The date's row, locked until commit: sign-ups to one date happen one at a time.

    On PostgreSQL the wait is bounded (EVENTS_RSVP_LOCK_TIMEOUT_SECONDS, below
    the connection pool's timeout), so a rush on one event answers "try again"
    instead of holding every pooled connection until requests fail.
    """
    _bound_lock_waits()
    with _busy_when_locked_too_long():
        return (
            Occurrence.objects.select_for_update(of=("self",))
            .select_related("event__board")
            .get(pk=occurrence.pk)
        )


def _check_open(occurrence: Occurrence, now: datetime | None = None) -> None:
    """Refuse a sign-up the server's clock does not allow, whatever the client sent."""
    event = occurrence.event
    now = now or timezone.now()
    state = event.registration_state(now)
    if state == "not_yet":
        raise ValidationError(
            _("Registration opens at %(time)s.")
            % {
                "time": formats.date_format(
                    timezone.localtime(event.registration_opens_at), "DATETIME_FORMAT"
                )
            }
        )
    if state == "closed":
        raise ValidationError(_("Registration for this event has closed."))
    if occurrence.called_off:
        raise ValidationError(_("This event is cancelled."))
    if event.review_state != ReviewState.APPROVED:
        raise ValidationError(_("This event is waiting for approval."))
    if occurrence.starts_at <= now:
        raise ValidationError(_("This event has already started or is over."))
    if event.rsvp_deadline and event.rsvp_deadline <= now:
        raise ValidationError(_("Sign-up for this event has closed."))


PROMOTE_CHUNK = 32


def promote(occurrence: Occurrence) -> None:
    """Move people up from the waiting list in order while places allow.

    A party larger than the places left keeps its turn but does not block
    smaller parties behind it, so no place stays empty while someone who fits
    is waiting (and a newcomer who fits, who joins behind them all, is
    treated alike).

    Called under the date's row lock, which every change to the waiting list
    takes, so the list is read in stable slices (only the columns needed) and
    moved up with one UPDATE: the lock is held for as little Python as
    possible, however long the list.
    """
    capacity = occurrence.event.capacity
    waiting = (
        RSVP.objects.filter(occurrence=occurrence, status=RSVPStatus.WAITLISTED)
        .order_by("waitlisted_at", "id")
        .values_list("id", "user_id", "guests")
    )
    places = math.inf if capacity is None else capacity
    moved: list[tuple[int, int]] = []  # (rsvp id, user id)
    start = 0
    while occurrence.going_count < places:
        rows = list(waiting[start : start + PROMOTE_CHUNK])
        for rsvp_id, user_id, guests in rows:
            if occurrence.going_count + 1 + guests > places:
                continue
            moved.append((rsvp_id, user_id))
            occurrence.going_count += 1 + guests
            occurrence.waitlist_count -= 1
            if occurrence.going_count >= places:
                break
        if len(rows) < PROMOTE_CHUNK:
            break
        start += PROMOTE_CHUNK
    if moved:
        RSVP.objects.filter(pk__in=[rsvp_id for rsvp_id, _ in moved]).update(
            status=RSVPStatus.GOING
        )
        _tell_after_commit([user_id for _, user_id in moved], occurrence)


def _tell_after_commit(user_ids: list[int], occurrence: Occurrence) -> None:
    """Tell those moved up once the places are committed, outside the date's lock (their own transaction)."""
    event, starts_at = occurrence.event, occurrence.starts_at

    def notify() -> None:
        with live.atomic():
            tell(user_ids, "rsvp_promoted", event, when=when(starts_at))
            for (
                user_id
            ) in user_ids:  # their open event page shows "going" without a reload
                live.publish(
                    live.user_topic(user_id),
                    "rsvp.promoted",
                    {"occurrence_id": occurrence.pk, "event_id": event.pk},
                )

    transaction.on_commit(notify, robust=True)


def _is_replay(rsvp: RSVP, *, going: bool, guests: int) -> bool:
    if not going:
        return rsvp.status == RSVPStatus.CANCELLED
    return rsvp.status != RSVPStatus.CANCELLED and rsvp.guests == guests


ACTIVE = (RSVPStatus.GOING, RSVPStatus.WAITLISTED, RSVPStatus.ENTERED)


def season_bounds(moment: datetime, months: int) -> tuple[datetime, datetime]:
    """The season (a block of `months` months from January, local time) holding `moment`."""
    local = timezone.localtime(moment)
    first_month = (local.month - 1) // months * months + 1
    start = local.replace(
        month=first_month, day=1, hour=0, minute=0, second=0, microsecond=0
    )
    end_month = first_month + months
    end = start.replace(
        year=start.year + (end_month - 1) // 12, month=(end_month - 1) % 12 + 1
    )
    return start, end


def _check_season_limit(user: AbstractUser, occurrence: Occurrence) -> None:
    """Refuse a sign-up past the board's per-resident limit, naming the limit."""
    event = occurrence.event
    try:  # loaded with the date by the sign-up view (select_related), else one query
        policy = event.board.registration_policy
    except BoardRegistrationPolicy.DoesNotExist:
        return
    # One resident's sign-ups are counted one at a time (their own row; nobody else waits).
    # get_user_model(), not type(user): a view passes request.user, a lazy object.
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    start, end = season_bounds(occurrence.starts_at, policy.season_months)
    board = event.board
    same_association = (
        {"occurrence__event__board__dong_id": board.dong_id}
        if board.dong_id
        else {"occurrence__event__board_id": board.pk}
    )
    taken = (
        RSVP.objects.filter(
            user=user,
            status__in=ACTIVE,
            occurrence__starts_at__gte=start,
            occurrence__starts_at__lt=end,
            **same_association,
        )
        .exclude(occurrence__event_id=event.pk)
        .values("occurrence__event_id")
        .distinct()
        .count()
    )
    if taken >= policy.max_programmes:
        association = board.dong.title if board.dong_id else board.name
        raise ValidationError(
            ngettext(
                "Limit reached: at most %(max)d programme of %(association)s per "
                "resident from %(start)s to %(end)s, and you are already signed up "
                "for %(count)d.",
                "Limit reached: at most %(max)d programmes of %(association)s per "
                "resident from %(start)s to %(end)s, and you are already signed up "
                "for %(count)d.",
                policy.max_programmes,
            )
            % {
                "max": policy.max_programmes,
                "association": association,
                "start": formats.date_format(start, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(
                    end - timedelta(days=1), "SHORT_DATE_FORMAT"
                ),
                "count": taken,
            }
        )


def _take_places(occurrence: Occurrence, seats: int) -> bool:
    """Add `seats` to the date's count if they fit (one conditional UPDATE); True if they did.

    The capacity and the event's status are read in the same statement, and
    PostgreSQL re-checks the condition on the newest row after waiting for a
    concurrent update, so the count never passes the capacity.
    """
    from events.models import Event

    table = connection.ops.quote_name(Occurrence._meta.db_table)
    events_table = connection.ops.quote_name(Event._meta.db_table)
    with _busy_when_locked_too_long(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET going_count = going_count + %s "
            f"WHERE id = %s AND NOT is_cancelled AND EXISTS (SELECT 1 FROM {events_table} e "
            f"WHERE e.id = {table}.event_id AND e.status = %s "
            f"AND (e.capacity IS NULL OR {table}.going_count + %s <= e.capacity)) "
            "RETURNING going_count, waitlist_count",
            [seats, occurrence.pk, EventStatus.SCHEDULED, seats],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    occurrence.going_count, occurrence.waitlist_count = row
    return True


def _join_waitlist(occurrence: Occurrence, rsvp: RSVP) -> bool:
    """Put `rsvp` on the waiting list if the date is still too full for it (PostgreSQL); True if it did.

    One statement counts one more waiting and marks the resident's row, so
    the date's row is held from here to the commit only. The time is taken
    once the row lock is held (`clock_timestamp()`), and a cancellation needs
    that lock to promote anyone, so the waiting list's order (by that time)
    is the order in which entries commit: nobody who waits is passed by a
    later entry.
    """
    if connection.vendor != "postgresql":
        return False
    from events.models import Event

    table = connection.ops.quote_name(Occurrence._meta.db_table)
    events_table = connection.ops.quote_name(Event._meta.db_table)
    rsvps_table = connection.ops.quote_name(RSVP._meta.db_table)
    with _busy_when_locked_too_long(), connection.cursor() as cursor:
        cursor.execute(
            f"WITH date AS (UPDATE {table} SET waitlist_count = waitlist_count + 1 "
            f"WHERE id = %s AND NOT is_cancelled AND EXISTS (SELECT 1 FROM {events_table} e "
            f"WHERE e.id = {table}.event_id AND e.status = %s "
            f"AND e.capacity IS NOT NULL AND {table}.going_count + %s > e.capacity) "
            "RETURNING going_count, waitlist_count, clock_timestamp() AS at) "
            f"UPDATE {rsvps_table} SET status = %s, waitlisted_at = date.at FROM date "
            f"WHERE {rsvps_table}.id = %s "
            "RETURNING date.going_count, date.waitlist_count, date.at",
            [
                occurrence.pk,
                EventStatus.SCHEDULED,
                rsvp.seats,
                RSVPStatus.WAITLISTED,
                rsvp.pk,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    occurrence.going_count, occurrence.waitlist_count, rsvp.waitlisted_at = row
    rsvp.status = RSVPStatus.WAITLISTED
    return True


def _cancel_in_one_step(occurrence: Occurrence, rsvp: RSVP) -> bool:
    """Cancel a resident who is going or waiting, and move the waiting list up, in one call (PostgreSQL).

    `events_rsvp_cancel` (migration events 0008) locks the date, then the
    resident's row, then the rows it moves up, as the Python path does, and
    applies `promote`'s rule, so the date's row is held for one round trip
    and the commit. False on SQLite, or when the row is no longer going or
    waiting (nothing changed, the date stays locked): the caller then takes
    the Python path.
    """
    if connection.vendor != "postgresql":
        return False
    _bound_lock_waits()
    with _busy_when_locked_too_long(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT handled, going, waiting, promoted FROM events_rsvp_cancel(%s, %s)",
            [occurrence.pk, rsvp.pk],
        )
        handled, going, waiting, promoted = cursor.fetchone()
    if not handled:
        return False
    occurrence.going_count, occurrence.waitlist_count = going, waiting
    rsvp.status = RSVPStatus.CANCELLED
    if promoted:
        _tell_after_commit(promoted, occurrence)
    _publish_counts(occurrence)
    return True


def _share_lock(occurrence: Occurrence) -> None:
    """Hold the date against a concurrent draw (which takes it FOR UPDATE) until commit."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Occurrence._meta.db_table)
        _bound_lock_waits()
        with _busy_when_locked_too_long(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {table} WHERE id = %s FOR SHARE", [occurrence.pk]
            )


def _publish_counts(occurrence: Occurrence) -> None:
    """The date's counts reach its pages after commit, read fresh and coalesced (`live.publish_state`).

    Not inside the transaction: the live log's topic rows would stay locked
    until commit, and every sign-up to the date would wait for them.
    """
    live.publish_state("occurrence", occurrence.pk)


def rsvp_set(
    *,
    user: AbstractUser,
    occurrence: Occurrence,
    going: bool,
    guests: int = 0,
    now: datetime | None = None,
) -> RSVP:
    """Say you are going (with up to MAX_GUESTS guests) or no longer going.

    Under any concurrency the last place goes to exactly one person and the
    rest join the waiting list in order (see the module docstring). A
    cancellation moves the waiting list up (see `promote`); those moved up
    are told. On a draw event, signing up before the draw enters the draw
    (`events.services.draw`). Nothing is accepted outside the event's
    registration window by the server's clock (`now`, for tests). Raises
    `Busy` (a ValidationError) when a rush on the date keeps it locked too
    long.
    """
    try:
        return _rsvp_set(
            user=user, occurrence=occurrence, going=going, guests=guests, now=now
        )
    except IntegrityError:
        # The same resident's other request inserted their row first: this one is a replay or a change.
        return _rsvp_set(
            user=user, occurrence=occurrence, going=going, guests=guests, now=now
        )


# A resident's own row on a date, read on every press: built once per thread.
_own_row = Compiled(
    lambda occurrence, user: RSVP.objects.filter(
        occurrence_id=occurrence, user_id=user
    ).only("status", "guests")[:1],
    "occurrence",
    "user",
)
_own_row_locked = Compiled(
    lambda occurrence, user: RSVP.objects.select_for_update(of=("self",)).filter(
        occurrence_id=occurrence, user_id=user
    )[:1],
    "occurrence",
    "user",
)


@live.atomic
def _rsvp_set(
    *,
    user: AbstractUser,
    occurrence: Occurrence,
    going: bool,
    guests: int,
    now: datetime | None,
) -> RSVP:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    if not 0 <= guests <= MAX_GUESTS:
        raise ValidationError(
            _("You can bring between 0 and %(max)d guests.") % {"max": MAX_GUESTS}
        )
    peek = next(iter(_own_row(occurrence=occurrence.pk, user=user.pk)), None)
    # Counted before any lock is taken, so nobody waits on the date for it.
    if peek is None or not _is_replay(peek, going=going, guests=guests):
        rate_limit("rsvp", user=user)
    if (
        not going
        and peek is not None
        and peek.status in (RSVPStatus.GOING, RSVPStatus.WAITLISTED)
        and _cancel_in_one_step(occurrence, peek)
    ):
        return peek
    # Anything but a new sign-up will take the date's row lock: take it before the
    # resident's own row, in the order promote() takes them (the date, then the
    # waiting rows), or a cancellation promoting this resident and this
    # resident's own change wait on each other (deadlock, seen in bench/rsvp.py).
    new_sign_up = going and (peek is None or peek.status == RSVPStatus.CANCELLED)
    # A draw's entries go to _draw_entry, which holds the date only against the
    # draw itself; after the draw, its places and waiting list are as any other.
    draw_entry = occurrence.event.is_draw and (
        going or peek is None or peek.status == RSVPStatus.ENTERED
    )
    locked = not new_sign_up and not draw_entry
    if locked:
        occurrence = lock_occurrence(occurrence)
    # The resident's own row, locked: their two requests never interleave. A
    # first sign-up has no row yet: their other request's insert of it waits on
    # the unique index, then fails, and rsvp_set tries again.
    rsvp = (
        next(iter(_own_row_locked(occurrence=occurrence.pk, user=user.pk)), None)
        if peek is not None
        else None
    )
    previous = rsvp.status if rsvp else RSVPStatus.CANCELLED
    if rsvp is not None and _is_replay(rsvp, going=going, guests=guests):
        return rsvp  # the same answer again (a double click, a retry): nothing changes, nothing counts
    event = occurrence.event
    if going:
        _check_open(occurrence, now)
        if previous == RSVPStatus.CANCELLED:
            _check_season_limit(user, occurrence)
    if event.is_draw and (going or previous == RSVPStatus.ENTERED):
        return _draw_entry(
            rsvp, user=user, occurrence=occurrence, going=going, guests=guests
        )
    if going and previous == RSVPStatus.CANCELLED and not locked:
        return _sign_up(rsvp, user=user, occurrence=occurrence, guests=guests, now=now)
    return _rsvp_locked(
        rsvp,
        previous=previous,
        user=user,
        occurrence=occurrence,
        going=going,
        guests=guests,
        now=now,
        locked=locked,
    )


def _sign_up(
    rsvp: RSVP | None,
    *,
    user: AbstractUser,
    occurrence: Occurrence,
    guests: int,
    now: datetime | None,
) -> RSVP:
    """A new sign-up: the resident's own row first, the date's counter last before commit.

    The row is written as going before the counter is touched (nobody sees it
    before commit), so the date's row is held only from the counter's UPDATE
    to the commit; a full date turns it into a waiting one.
    """
    if rsvp is None:
        rsvp = RSVP(occurrence=occurrence, user=user)
    rsvp.status, rsvp.guests = RSVPStatus.GOING, guests
    rsvp.save(update_fields=None if rsvp._state.adding else ["status", "guests"])
    _bound_lock_waits()  # before the date's row is taken: the wait is bounded
    capacity = occurrence.event.capacity
    # As this request read the date: full then is most likely full now, so the
    # waiting list is tried first (one statement while the date's row is held).
    if capacity is not None and occurrence.going_count + rsvp.seats > capacity:
        placed = _join_waitlist(occurrence, rsvp) or _take_places(
            occurrence, rsvp.seats
        )
    else:
        placed = _take_places(occurrence, rsvp.seats) or _join_waitlist(
            occurrence, rsvp
        )
    if placed:
        _publish_counts(occurrence)
        return rsvp
    # SQLite, a cancelled date, or the date freed up in between: decide under the lock.
    return _rsvp_locked(
        rsvp,
        previous=RSVPStatus.CANCELLED,
        user=user,
        occurrence=occurrence,
        going=True,
        guests=guests,
        now=now,
        locked=False,
    )


def _draw_entry(
    rsvp: RSVP | None,
    *,
    user: AbstractUser,
    occurrence: Occurrence,
    going: bool,
    guests: int,
) -> RSVP:
    """Enter the draw, change one's party, or withdraw, before the draw (no counter, no long lock)."""
    _share_lock(occurrence)
    if Draw.objects.filter(occurrence=occurrence).exists():
        raise ValidationError(_("The draw for this date has already taken place."))
    if rsvp is None:
        rsvp = RSVP(occurrence=occurrence, user=user)
    if going:
        if rsvp.status != RSVPStatus.ENTERED or not rsvp.entry_token:
            rsvp.entry_token = secrets.token_hex(8)
        rsvp.status, rsvp.guests = RSVPStatus.ENTERED, guests
    else:
        rsvp.status = RSVPStatus.CANCELLED
    rsvp.save()
    _publish_counts(occurrence)
    return rsvp


def _rsvp_locked(
    rsvp: RSVP | None,
    *,
    previous: str,
    user: AbstractUser,
    occurrence: Occurrence,
    going: bool,
    guests: int,
    now: datetime | None,
    locked: bool,
) -> RSVP:
    """The waiting list, cancellations and changes, under the date's row lock (taken here unless `locked`).

    `previous` is the resident's status before this request (their row may
    already hold a tentative new sign-up, see `_sign_up`).
    """
    if not locked:
        occurrence = lock_occurrence(occurrence)
    previous_seats = rsvp.seats if rsvp and previous != RSVPStatus.CANCELLED else 0
    if going:
        _check_open(occurrence, now)
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
    rsvp.save(
        update_fields=None
        if rsvp._state.adding
        else ["status", "guests", "waitlisted_at"]
    )
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
        promote(occurrence)
    occurrence.save(update_fields=["going_count", "waitlist_count"])
    _publish_counts(occurrence)
    return rsvp


@live.atomic
def attendance_record(
    *, actor: AbstractUser, occurrence: Occurrence, attended: Iterable[int]
) -> int:
    """Record who came to a date that has begun: the RSVPs in `attended` came, the rest going did not.

    When every date of the event has ended, the event is marked completed.
    Returns the number of people recorded as present.
    """
    occurrence = lock_occurrence(occurrence)
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
