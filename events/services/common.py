"""What the event writes share: the counts readers see, news for both topics, telling people."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractUser

from district import live
from district.compiled import Compiled
from district.services import notifications_create
from events.models import RSVP, Event, Occurrence, RSVPStatus
from forums.models import Board


def counts_payload(occurrence: Occurrence) -> dict:
    return {
        "event_id": occurrence.event_id,
        "occurrence_id": occurrence.pk,
        "going": occurrence.going_count,
        "waitlisted": occurrence.waitlist_count,
        "places_left": occurrence.places_left(),
        "cancelled": occurrence.called_off,
    }


# Read on every publish under a rush (only what the counts need): built once per thread.
_counts_of = Compiled(
    lambda pk: (
        Occurrence.objects.select_related("event")
        .only(
            "event_id",
            "going_count",
            "waitlist_count",
            "is_cancelled",
            "event__board_id",
            "event__capacity",
            "event__status",
            "event__allocation",
        )
        .filter(pk=pk)[:1]
    ),
    "pk",
)


def occurrence_state(pk: int) -> tuple[list[str], dict] | None:
    """A date's counts as committed now, for its event's and its board's pages (`live.publish_state`)."""
    found = _counts_of(pk=pk)
    if not found:
        return None
    occurrence = found[0]
    event = occurrence.event
    data = counts_payload(occurrence)
    if event.is_draw:
        data["entered"] = RSVP.objects.filter(
            occurrence=occurrence, status=RSVPStatus.ENTERED
        ).count()
    return [event.topic, Board(pk=event.board_id).topic], data


def publish_both(event: Event, type_: str, data: dict) -> None:
    """The same news for the event page and for its board's pages."""
    live.publish(event.topic, type_, data)
    live.publish(event.board.topic, type_, {"event_id": event.pk, **data})


def when(moment: datetime) -> str:
    return moment.isoformat()


def signed_up(occurrences: Iterable[Occurrence]) -> list[int]:
    """The ids of everyone going or waiting on these dates, once each."""
    rsvps = RSVP.objects.filter(
        occurrence__in=list(occurrences),
        status__in=(RSVPStatus.GOING, RSVPStatus.WAITLISTED),
    )
    return list(dict.fromkeys(rsvps.values_list("user_id", flat=True)))


def tell(
    users: Iterable[AbstractUser | int], kind: str, event: Event, **params
) -> None:
    """Notify each of `users` (or their ids) about `event` (in-app, live, and by e-mail per their setting)."""
    notifications_create(
        users=users,
        kind=kind,
        url=event.get_absolute_url(),
        params={"title": event.title, **params},
    )
