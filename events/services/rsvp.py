"""Signing up for a date under its row lock, the waiting list, and attendance."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection
from django.utils import timezone
from django.utils.translation import gettext as _

from district import live
from district.ratelimit import rate_limit
from events import permissions
from events.models import RSVP, EventStatus, Occurrence, ReviewState, RSVPStatus
from events.services.common import counts_payload, publish_both, tell, when

MAX_GUESTS = 3


class Busy(ValidationError):
    """The date is locked by a rush of sign-ups for longer than we let anyone wait."""


def lock_occurrence(occurrence: Occurrence) -> Occurrence:
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


def promote(occurrence: Occurrence) -> None:
    """Move people up from the waiting list in order while places allow.

    A party larger than the places left keeps its turn but does not block
    smaller parties behind it, so no place stays empty while someone who fits
    is waiting (and a newcomer who fits, who joins behind them all, is
    treated alike).
    """
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
        tell(
            [rsvp.user],
            "rsvp_promoted",
            occurrence.event,
            when=when(occurrence.starts_at),
        )


def _is_replay(rsvp: RSVP, *, going: bool, guests: int) -> bool:
    if not going:
        return rsvp.status == RSVPStatus.CANCELLED
    return rsvp.status != RSVPStatus.CANCELLED and rsvp.guests == guests


@live.atomic
def rsvp_set(
    *, user: AbstractUser, occurrence: Occurrence, going: bool, guests: int = 0
) -> RSVP:
    """Say you are going (with up to MAX_GUESTS guests) or no longer going.

    The occurrence row is locked, so under any concurrency the last place goes
    to exactly one person and the rest join the waiting list in order. A
    cancellation moves the waiting list up (see `promote`); those moved up
    are told. Raises `Busy` (a ValidationError) when a rush on the date
    keeps it locked too long.
    """
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    if not 0 <= guests <= MAX_GUESTS:
        raise ValidationError(
            _("You can bring between 0 and %(max)d guests.") % {"max": MAX_GUESTS}
        )
    occurrence = lock_occurrence(occurrence)
    rsvp = RSVP.objects.filter(occurrence=occurrence, user=user).first()
    previous = rsvp.status if rsvp else RSVPStatus.CANCELLED
    previous_seats = rsvp.seats if rsvp else 0
    if rsvp is not None and _is_replay(rsvp, going=going, guests=guests):
        return rsvp  # the same answer again (a double click, a retry): nothing changes, nothing counts
    rate_limit("rsvp", user=user)
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
        promote(occurrence)
    occurrence.save(update_fields=["going_count", "waitlist_count"])
    publish_both(occurrence.event, "rsvp.changed", counts_payload(occurrence))
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
