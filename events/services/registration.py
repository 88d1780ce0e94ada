"""Organisers open, extend or close an event's registration (by the server's clock)."""

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from district import live
from events import permissions
from events.models import Draw, Event
from events.services.common import publish_both
from events.services.draw import schedule_draws

ACTIONS = ("open", "close", "extend")


@live.atomic
def registration_change(
    *,
    actor: AbstractUser,
    event: Event,
    action: str,
    closes_at: datetime | None = None,
    now: datetime | None = None,
) -> Event:
    """Open now, close now, or move the close to `closes_at` (later or earlier, not past).

    Refused once a date of a draw event has been drawn: the draw is final.
    """
    event = Event.objects.select_for_update().select_related("board").get(pk=event.pk)
    if not permissions.can_manage_attendees(actor, event):
        raise PermissionDenied
    if action not in ACTIONS:
        raise ValidationError(_("Unknown action."))
    now = now or timezone.now()
    if Draw.objects.filter(occurrence__event=event).exists():
        raise ValidationError(
            _("The draw has taken place; registration cannot change.")
        )
    if action == "open":
        event.registration_opens_at = now
        if event.registration_closes_at and event.registration_closes_at <= now:
            event.registration_closes_at = closes_at if event.is_draw else None
    elif action == "close":
        event.registration_closes_at = now
        if event.registration_opens_at and event.registration_opens_at > now:
            event.registration_opens_at = now
    else:
        if closes_at is None or closes_at <= now:
            raise ValidationError(
                {"closes_at": _("Choose a closing time in the future.")}
            )
        event.registration_closes_at = closes_at
    event.clean()
    event.save(update_fields=["registration_opens_at", "registration_closes_at"])
    publish_both(
        event,
        "registration.changed",
        {
            "event_id": event.pk,
            "opens_at": event.registration_opens_at.isoformat()
            if event.registration_opens_at
            else None,
            "closes_at": event.registration_closes_at.isoformat()
            if event.registration_closes_at
            else None,
        },
    )
    schedule_draws(event)
    return event
