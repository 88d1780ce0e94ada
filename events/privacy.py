"""What events do when an account closes, and what they put in a resident's data export (`district.accounts`)."""

from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from district.accounts import Closing, register_account_closer, register_data_exporter
from events.models import RSVP, CalendarFeed, Event, RSVPStatus


def close_account(closing: Closing) -> None:
    """Sign-ups for dates still to come are cancelled through `rsvp_set` (the waiting list moves up, as usual).

    Past sign-ups stay (attendance counts) under the opaque id; the secret
    calendar address stops working; events they organised stay, shown as
    organised by "former member".
    """
    from events.services.rsvp import rsvp_set

    user = closing.user
    upcoming = (
        RSVP.objects.filter(user=user, occurrence__starts_at__gt=timezone.now())
        .exclude(status=RSVPStatus.CANCELLED)
        .select_related("occurrence")
        .order_by("occurrence__starts_at")
    )
    for rsvp in list(upcoming):
        rsvp_set(user=user, occurrence=rsvp.occurrence, going=False)
    CalendarFeed.objects.filter(user=user).delete()


def _rsvps(user: AbstractUser) -> list[dict]:
    return [
        {
            "event": r.occurrence.event.title,
            "event_id": r.occurrence.event_id,
            "starts_at": r.occurrence.starts_at,
            "status": r.status,
            "guests": r.guests,
            "signed_up_at": r.created_at,
            "attended": r.attended,
        }
        for r in RSVP.objects.filter(user=user)
        .select_related("occurrence__event")
        .order_by("occurrence__starts_at")
    ]


def _events(user: AbstractUser) -> list[dict]:
    return [
        {
            "id": e.pk,
            "title": e.title,
            "description": e.description,
            "starts_at": e.starts_at,
            "location": e.location_name,
            "status": e.status,
        }
        for e in Event.objects.filter(organiser=user).order_by("starts_at")
    ]


def _calendar(user: AbstractUser) -> list[dict]:
    return [
        {"calendar_feed_created_at": f.created_at}
        for f in CalendarFeed.objects.filter(user=user)
    ]


def register() -> None:
    register_account_closer("events", close_account, order=30)
    register_data_exporter("event_signups", _rsvps)
    register_data_exporter("events_organised", _events)
    register_data_exporter("calendar_feed", _calendar)
