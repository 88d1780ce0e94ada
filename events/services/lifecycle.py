"""An event's life: created or proposed, reviewed, changed, cancelled (whole or one date)."""

from collections.abc import Iterable
from datetime import datetime
from typing import TypedDict

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from typing_extensions import Unpack

from district import live
from district.markup import render_markdown
from district.models import display_name
from district.moderation.policy import require_can_participate
from district.pii import refuse_rrn
from district.ratelimit import rate_limit
from district.services import notification_create, notifications_create
from events import permissions
from events.models import (
    ORGANISER_FIELDS,
    Event,
    EventStatus,
    Occurrence,
    ReviewState,
)
from events.recurrence import occurrence_starts
from events.services.common import counts_payload, publish_both, signed_up, tell, when
from events.services.reminders import schedule_reminders
from events.services.rsvp import lock_occurrence, promote
from forums.models import Board
from forums.permissions import moderators_of
from forums.services import thread_create


class EventFields(TypedDict, total=False):
    """What an organiser (or a proposing resident) sets on an event: `Event`'s ORGANISER_FIELDS, typed."""

    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    location_name: str
    address: str
    map_url: str
    online_url: str
    languages: str
    capacity: int | None
    rsvp_deadline: datetime | None
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    allocation: str
    recurrence: str


EDITABLE_FIELDS = frozenset(ORGANISER_FIELDS)
SCHEDULE_FIELDS = ("starts_at", "ends_at", "recurrence")
PLACE_FIELDS = ("location_name", "address", "online_url")


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")


def _validated(event: Event) -> None:
    refuse_rrn(
        title=event.title,
        description=event.description,
        location_name=event.location_name,
        address=event.address,
    )
    event.description_html = render_markdown(event.description)
    event.full_clean(exclude=["board", "organiser", "thread", "reviewed_by"])


def _create_occurrences(event: Event) -> list[Occurrence]:
    duration = event.ends_at - event.starts_at
    occurrences = Occurrence.objects.bulk_create(
        Occurrence(event=event, starts_at=start, ends_at=start + duration)
        for start in occurrence_starts(event.recurrence, event.starts_at)
    )
    schedule_reminders(occurrences)
    return occurrences


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
    fields: EventFields,
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
    from events.services.draw import schedule_draws

    schedule_draws(event)
    return event


def _announce(event: Event) -> None:
    """Board readers hear of a newly published event."""
    live.publish(
        event.board.topic,
        "event.created",
        {"event_id": event.pk, "title": event.title},
    )


@live.atomic
def event_create(
    *,
    organiser: AbstractUser,
    board: Board,
    tags: Iterable[str] = (),
    **fields: Unpack[EventFields],
) -> Event:
    """An organiser's event, published at once with its dates and its discussion thread."""
    if not permissions.can_organise(organiser, board):
        raise PermissionDenied
    require_can_participate(organiser)  # an event is a post on its board
    event = _new_event(board=board, organiser=organiser, tags=tags, fields=fields)
    _start_discussion(event)
    _announce(event)
    return event


@live.atomic
def event_propose(
    *,
    proposer: AbstractUser,
    board: Board,
    tags: Iterable[str] = (),
    **fields: Unpack[EventFields],
) -> Event:
    """A resident's suggestion: saved as waiting, shown to nobody but the proposer and the board's organisers, who are told."""
    if permissions.can_organise(proposer, board):
        return event_create(organiser=proposer, board=board, tags=tags, **fields)
    if not permissions.can_propose(proposer, board):
        raise PermissionDenied
    require_can_participate(proposer)
    starts_at = fields.get("starts_at")
    if starts_at is not None and starts_at <= timezone.now():
        # Organisers may record an event after the fact; a suggestion is for what comes.
        raise ValidationError({"starts_at": _("Choose a time in the future.")})
    rate_limit("event_propose", user=proposer)
    event = _new_event(
        board=board,
        organiser=proposer,
        tags=tags,
        fields=fields,
        review_state=ReviewState.PENDING,
    )
    notifications_create(
        users=moderators_of(board, first_line=True),
        kind="event_proposed",
        actor_name=display_name(proposer),
        url=event.get_absolute_url(),
        params={"title": event.title, "board": board.name},
    )
    return event


@live.atomic
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
    if approve:
        _start_discussion(event)
        _announce(event)
    notification_create(
        user=event.organiser,
        kind="event_approved" if approve else "event_rejected",
        actor_name=display_name(reviewer),
        url=event.get_absolute_url(),
        params={"title": event.title, "reason": note},
    )
    return event


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
        schedule_reminders(moved)
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
    schedule_reminders(new)
    return [], cancelled


@live.atomic
def event_update(
    *,
    actor: AbstractUser,
    event: Event,
    tags: Iterable[str] | None = None,
    **fields: Unpack[EventFields],
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
            promote(occurrence)
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
            people = [pk for pk in signed_up(dates) if pk not in told]
            told.update(people)
            tell(people, "event_changed", event, what=what)
        for occurrence in event.occurrences.filter(
            pk__in=[o.pk for o in future + moved + dropped]
        ).select_related("event__board"):
            publish_both(event, "rsvp.changed", counts_payload(occurrence))
        publish_both(event, "event.changed", {"fields": sorted(changed)})
    return event


@live.atomic
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
    tell(signed_up(event.occurrences.all()), "event_cancelled", event, reason=reason)
    if event.approved:
        publish_both(event, "event.cancelled", {"reason": reason})
    return event


@live.atomic
def occurrence_cancel(
    *, actor: AbstractUser, occurrence: Occurrence, reason: str
) -> Occurrence:
    """Cancel one date of a repeating event (this week's tea is off); the people signed up for it are told."""
    occurrence = lock_occurrence(occurrence)
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
    tell(
        signed_up([occurrence]),
        "occurrence_cancelled",
        event,
        reason=reason,
        when=when(occurrence.starts_at),
    )
    publish_both(event, "rsvp.changed", counts_payload(occurrence))
    return occurrence
