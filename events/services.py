"""Event writes: creating events with their occurrences and thread, RSVPs under a row lock, cancelling."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from district.live import Broadcast, publish_on_commit
from district.markup import render_markdown
from district.services import notification_create
from events.models import RSVP, Event, EventStatus, Occurrence, RSVPStatus
from events.permissions import can_organise
from events.recurrence import occurrence_starts
from forums.models import Board
from forums.services import thread_create

MAX_GUESTS = 3


def counts_payload(occurrence: Occurrence) -> dict:
    return {
        "occurrence_id": occurrence.pk,
        "going": occurrence.going_count,
        "waitlisted": occurrence.waitlist_count,
        "places_left": occurrence.places_left(),
        "cancelled": occurrence.is_cancelled
        or occurrence.event.status == EventStatus.CANCELLED,
    }


@transaction.atomic
def event_create(*, organiser: AbstractUser, board: Board, tags=(), **fields) -> Event:
    """Create an event, its occurrences (from the RRULE, if any) and its discussion thread."""
    if not can_organise(organiser, board):
        raise PermissionDenied
    event = Event(board=board, organiser=organiser, **fields)
    event.description_html = render_markdown(event.description)
    event.full_clean(exclude=["board", "organiser", "thread"])
    event.save()
    if tags:
        event.tags.set(list(tags))
        event.save()
    duration = event.ends_at - event.starts_at
    Occurrence.objects.bulk_create(
        Occurrence(event=event, starts_at=start, ends_at=start + duration)
        for start in occurrence_starts(event.recurrence, event.starts_at)
    )
    event.thread = thread_create(
        author=organiser,
        board=board,
        title=event.title,
        body=event.description or event.title,
    )
    event.save(update_fields=["thread"])
    publish_on_commit(
        Broadcast(
            board.topic, "event.created", {"event_id": event.pk, "title": event.title}
        )
    )
    return event


def _locked(occurrence: Occurrence) -> Occurrence:
    return (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=occurrence.pk)
    )


def _check_open(occurrence: Occurrence) -> None:
    event = occurrence.event
    now = timezone.now()
    if event.status == EventStatus.CANCELLED or occurrence.is_cancelled:
        raise ValidationError(_("This event is cancelled."))
    if not event.approved:
        raise ValidationError(_("This event is waiting for approval."))
    if occurrence.starts_at <= now:
        raise ValidationError(_("This event has already started or is over."))
    if event.rsvp_deadline and event.rsvp_deadline <= now:
        raise ValidationError(_("Sign-up for this event has closed."))


def _promote(occurrence: Occurrence) -> list[Broadcast]:
    """Move people from the waiting list, first come first served, while places allow."""
    broadcasts = []
    capacity = occurrence.event.capacity
    waiting = RSVP.objects.filter(
        occurrence=occurrence, status=RSVPStatus.WAITLISTED
    ).select_related("user")
    for rsvp in waiting.order_by("waitlisted_at", "id"):
        if capacity is not None and occurrence.going_count + rsvp.seats > capacity:
            break
        rsvp.status = RSVPStatus.GOING
        rsvp.save(update_fields=["status"])
        occurrence.going_count += rsvp.seats
        occurrence.waitlist_count -= 1
        _note, broadcast = notification_create(
            user=rsvp.user,
            kind="rsvp_promoted",
            url=occurrence.event.get_absolute_url(),
            params={
                "title": occurrence.event.title,
                "when": occurrence.starts_at.isoformat(),
            },
        )
        broadcasts.append(broadcast)
    return broadcasts


@transaction.atomic
def rsvp_set(
    *, user: AbstractUser, occurrence: Occurrence, going: bool, guests: int = 0
) -> RSVP:
    """Say you are going (with up to MAX_GUESTS guests) or no longer going.

    The occurrence row is locked, so under any concurrency the last place goes
    to exactly one person and the rest join the waiting list in order. A
    cancellation promotes the first on the waiting list, who is told.
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
        Broadcast(occurrence.event.topic, "rsvp.changed", counts_payload(occurrence)),
        Broadcast(
            occurrence.event.board.topic,
            "rsvp.changed",
            {"event_id": occurrence.event_id, **counts_payload(occurrence)},
        ),
        *broadcasts,
    )
    return rsvp


@transaction.atomic
def event_cancel(*, actor: AbstractUser, event: Event, reason: str) -> Event:
    """Cancel the whole event and tell everyone going or waiting."""
    event = (
        Event.objects.select_for_update(of=("self",))
        .select_related("board__dong")
        .get(pk=event.pk)
    )
    if not can_organise(actor, event.board):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Please give a reason: the people signed up will see it.")}
        )
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status"])
    broadcasts = []
    people = (
        RSVP.objects.filter(
            occurrence__event=event,
            status__in=(RSVPStatus.GOING, RSVPStatus.WAITLISTED),
        )
        .select_related("user")
        .values_list("user", flat=True)
        .distinct()
    )
    for user in get_user_model().objects.filter(pk__in=list(people)):
        _note, broadcast = notification_create(
            user=user,
            kind="event_cancelled",
            url=event.get_absolute_url(),
            params={"title": event.title, "reason": reason.strip()},
        )
        broadcasts.append(broadcast)
    publish_on_commit(
        Broadcast(event.topic, "event.cancelled", {"event_id": event.pk}), *broadcasts
    )
    return event
