"""Event pages: thin views over the services; the .ics file per event."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from district import live
from events import selectors, services
from events.calendar import event_ics
from events.models import RSVP, Event, Occurrence
from events.permissions import can_organise
from forums.permissions import access_board


def board_events(request: HttpRequest, slug: str) -> HttpResponse:
    board = access_board(request.user, slug)
    occurrences = selectors.upcoming_occurrences(board)[:50]
    return render(
        request,
        "events/board_events.html",
        {"board": board, "occurrences": occurrences},
    )


def _visible_event(request: HttpRequest, event_id: int) -> Event:
    event = get_object_or_404(
        Event.objects.select_related("board__dong", "organiser__profile"), pk=event_id
    )
    if (
        not event.approved
        and not can_organise(request.user, event.board)
        and event.organiser_id != request.user.pk
    ):
        raise Http404
    return event


def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _visible_event(request, event_id)
    seqs = live.last_seqs([event.topic])
    occurrences = list(
        event.occurrences.select_related("event").order_by("starts_at")[:20]
    )
    mine = {}
    if request.user.is_authenticated:
        mine = {
            r.occurrence_id: r
            for r in RSVP.objects.filter(user=request.user, occurrence__in=occurrences)
        }
    for occurrence in occurrences:
        occurrence.my_rsvp = mine.get(occurrence.pk)
    return render(
        request,
        "events/event.html",
        {
            "event": event,
            "occurrences": occurrences,
            "live_topics": seqs,
            "can_organise": can_organise(request.user, event.board),
            "max_guests": range(services.MAX_GUESTS + 1),
        },
    )


@login_required
@require_POST
def rsvp(request: HttpRequest, occurrence_id: int) -> HttpResponse:
    occurrence = get_object_or_404(
        Occurrence.objects.select_related("event"), pk=occurrence_id
    )
    _visible_event(request, occurrence.event_id)
    going = request.POST.get("going") == "1"
    try:
        guests = int(request.POST.get("guests", "0") or 0)
    except ValueError:
        guests = -1
    try:
        result = services.rsvp_set(
            user=request.user, occurrence=occurrence, going=going, guests=guests
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except PermissionDenied:
        messages.error(request, _("You cannot sign up for this event."))
    else:
        messages.success(
            request,
            {
                "going": _("You are going. See you there!"),
                "waitlisted": _(
                    "The event is full: you are on the waiting list. We will tell you if a place opens up."
                ),
                "cancelled": _("You are no longer signed up."),
            }[result.status],
        )
    return redirect(occurrence.event)


def event_calendar(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _visible_event(request, event_id)
    response = HttpResponse(
        event_ics([event], request), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response
