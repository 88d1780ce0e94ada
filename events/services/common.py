"""What the event writes share: the counts readers see, news for both topics, telling people."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractUser

from district import live
from district.services import notification_create
from events.models import RSVP, Event, Occurrence, RSVPStatus


def counts_payload(occurrence: Occurrence) -> dict:
    return {
        "event_id": occurrence.event_id,
        "occurrence_id": occurrence.pk,
        "going": occurrence.going_count,
        "waitlisted": occurrence.waitlist_count,
        "places_left": occurrence.places_left(),
        "cancelled": occurrence.called_off,
    }


def publish_both(event: Event, type_: str, data: dict) -> None:
    """The same news for the event page and for its board's pages."""
    live.publish(event.topic, type_, data)
    live.publish(event.board.topic, type_, {"event_id": event.pk, **data})


def when(moment: datetime) -> str:
    return moment.isoformat()


def signed_up(occurrences: Iterable[Occurrence]) -> list[AbstractUser]:
    """Everyone going or waiting on these dates, once each."""
    rsvps = RSVP.objects.filter(
        occurrence__in=list(occurrences),
        status__in=(RSVPStatus.GOING, RSVPStatus.WAITLISTED),
    ).select_related("user")
    return list({rsvp.user_id: rsvp.user for rsvp in rsvps}.values())


def tell(users: Iterable[AbstractUser], kind: str, event: Event, **params) -> None:
    """Notify each of `users` about `event` (in-app, live, and by e-mail per their setting)."""
    for user in users:
        notification_create(
            user=user,
            kind=kind,
            url=event.get_absolute_url(),
            params={"title": event.title, **params},
        )
