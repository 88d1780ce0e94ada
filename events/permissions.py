"""Who may organise, propose, review and manage events. Every view, feed and the live socket ask here.

Organisers of a board are the people who moderate it: a dong's leaders on its
boards, facilitators on their audience board, district staff anywhere. Any
resident may propose an event; it waits for those organisers.
`access_*` fetch and check at once, answering 404 alike for "missing" and "not
yours to see".
"""

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404

from district.compiled import Compiled
from events.models import Event, Occurrence, ReviewState
from forums.models import Board
from forums.permissions import can_moderate

AnyUser = User | AnonymousUser


def can_organise(user: AnyUser, board: Board) -> bool:
    """A dong's leaders on its boards, facilitators on their audience board, district staff anywhere."""
    return can_moderate(user, board)


def can_propose(user: AnyUser, board: Board) -> bool:
    """Any signed-in resident may suggest an event on any board; organisers simply create it."""
    return bool(user.is_authenticated and user.is_active)


def can_view_event(user: AnyUser, event: Event) -> bool:
    """Approved events are public; a proposal is seen by its proposer and the board's organisers."""
    if event.review_state == ReviewState.APPROVED:
        return True
    return bool(
        user.is_authenticated
        and (event.organiser_id == user.pk or can_organise(user, event.board))
    )


def can_edit_event(user: AnyUser, event: Event) -> bool:
    """The board's organisers always; a resident proposer only while the proposal waits."""
    if can_organise(user, event.board):
        return True
    return bool(
        user.is_authenticated
        and user.is_active
        and event.organiser_id == user.pk
        and event.review_state == ReviewState.PENDING
    )


def can_review_event(user: AnyUser, event: Event) -> bool:
    return event.review_state == ReviewState.PENDING and can_organise(user, event.board)


def can_manage_attendees(user: AnyUser, event: Event) -> bool:
    """See the attendee list, export it and record attendance: the event's organiser and the board's."""
    if not user.is_authenticated or not user.is_active:
        return False
    return event.organiser_id == user.pk or can_organise(user, event.board)


def access_event(user: AnyUser, event_id: int) -> Event:
    try:
        event = Event.objects.select_related(
            "board__dong", "organiser__profile", "thread"
        ).get(pk=event_id)
    except Event.DoesNotExist:
        raise Http404 from None
    if not can_view_event(user, event):
        raise Http404
    return event


def access_occurrence(user: AnyUser, occurrence_id: int) -> Occurrence:
    """The date if the user may see its event, with its board, association and organiser; 404 for everyone else."""
    dates = Occurrence.objects.select_related(
        "event__board__dong", "event__organiser__profile"
    )
    return _visible(user, list(dates.filter(pk=occurrence_id)[:1]))


# Only what signing up reads (the checks, the season limit, the notices, the
# redirect), not the descriptions, the association's page or the organiser:
# on registration day this query runs for every press, so its SQL is built
# once per thread (`district.compiled`). Anything else is read when needed
# (one query more), never wrong.
SIGN_UP_READS = (
    "event_id",
    "starts_at",
    "is_cancelled",
    "going_count",
    "waitlist_count",
    "event__title",
    "event__board_id",
    "event__organiser_id",
    "event__review_state",
    "event__status",
    "event__capacity",
    "event__allocation",
    "event__rsvp_deadline",
    "event__registration_opens_at",
    "event__registration_closes_at",
    "event__board__name",
    "event__board__dong_id",
    "event__board__facilitators_id",
    "event__board__registration_policy__max_programmes",
    "event__board__registration_policy__season_months",
)

_date_to_sign_up_for = Compiled(
    lambda pk: (
        Occurrence.objects.select_related("event__board__registration_policy")
        .only(*SIGN_UP_READS)
        .filter(pk=pk)[:1]
    ),
    "pk",
)


def access_occurrence_to_sign_up(user: AnyUser, occurrence_id: int) -> Occurrence:
    """`access_occurrence` with only what signing up reads (`SIGN_UP_READS`)."""
    return _visible(user, _date_to_sign_up_for(pk=occurrence_id))


def _visible(user: AnyUser, found: list[Occurrence]) -> Occurrence:
    if not found or not can_view_event(user, found[0].event):
        raise Http404
    return found[0]


def access_attendees(user: AnyUser, occurrence_id: int) -> Occurrence:
    """The occurrence whose attendee list the user may manage; 404 for everyone else."""
    occurrence = access_occurrence(user, occurrence_id)
    if not can_manage_attendees(user, occurrence.event):
        raise Http404
    return occurrence


def can_follow_event(user: AnyUser, event_id: int) -> bool:
    """The live topic `event:<id>`: whoever may see the event."""
    event = Event.objects.select_related("board__dong").filter(pk=event_id).first()
    return event is not None and can_view_event(user, event)
