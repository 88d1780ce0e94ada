"""Which event texts residents can have machine-translated (district.translation)."""

from django.http import HttpRequest

from district.translation import register_translatable
from events.models import Event
from events.permissions import can_view_event


def _can_read(request: HttpRequest, event: Event) -> bool:
    return can_view_event(request.user, event)


def register() -> None:
    register_translatable(
        Event,
        ["title", ("description", "markdown"), "location_name"],
        topic=lambda event: f"event:{event.pk}",
        can_read=_can_read,
    )
