"""Event pages. Thin: fetch-and-check with permissions.access_*, call a service or a selector, render."""

import re
import time
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from district import access_log, live
from district import csv as safe_csv
from district.cache import cache_for_anonymous
from district.csv import csv_response
from district.forms import submit
from district.idempotency import idempotent
from district.keyset import keyset_page
from district.models import display_name
from district.ratelimit import RateLimited
from events import permissions, selectors, services
from events.calendar import board_ics, event_ics, occurrences_ics
from events.forms import EventForm, FilterForm, ReasonForm, ReviewForm, month_from
from events.models import RSVP, CalendarFeed, Draw, ReviewState, RSVPStatus
from forums.models import Board
from forums.permissions import access_board

SIGN_UP_PATH = r"^/events/o/\d+/rsvp/$"  # rsvp's address (events/urls.py), for its lane
PER_PAGE = 30
DATES_SHOWN = 20  # an event page lists its next dates; later ones appear as these pass


def _filters(request: HttpRequest, board: Board | None = None):
    """The filter form and what it selects; an invalid filter is shown, and ignored."""
    form = FilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.EventFilters(
            dong_id=data["dong"].pk if data["dong"] else None,
            audience=data["audience"],
            tag=data["tag"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
            board=board,
        )
    else:
        filters = selectors.EventFilters(board=board)
    return form, filters


def _proposals_waiting(request: HttpRequest) -> int:
    """How many proposals wait for this user's review (shown in the events menu)."""
    if not request.user.is_authenticated:
        return 0
    return selectors.pending_proposals(request.user).count()


def _list_page(
    request: HttpRequest, view: str, board: Board | None = None
) -> HttpResponse:
    form, filters = _filters(request, board)
    occurrences = (
        selectors.past_occurrences(filters)
        if view == "archive"
        else selectors.listed_upcoming(filters)
    )
    # Keyset pages (district.keyset): no count of every upcoming date, no OFFSET.
    page = keyset_page(
        occurrences,
        request.GET,
        time_field="starts_at",
        size=PER_PAGE,
        descending=view == "archive",
    )
    topics = [board.topic] if board else []
    return render(
        request,
        "events/event_list.html",
        {
            "view": view,
            "board": board,
            "form": form,
            "page_obj": page,
            "live_topics": live.last_seqs(topics) if topics else None,
            "can_organise": board is not None
            and permissions.can_organise(request.user, board),
            "proposals_waiting": _proposals_waiting(request),
        },
    )


def event_index(request: HttpRequest) -> HttpResponse:
    return _list_page(request, "upcoming")


def event_archive(request: HttpRequest) -> HttpResponse:
    return _list_page(request, "archive")


def board_events(request: HttpRequest, slug: str) -> HttpResponse:
    return _list_page(request, "upcoming", access_board(request.user, slug))


def event_calendar_month(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    today = timezone.localdate()
    first = month_from(request.GET.get("month"), today)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    month = selectors.month_calendar(first.year, first.month, filters)
    last = following - timedelta(days=1)
    # One reverse() for every link to an event or a day (not two per event).
    event_url = reverse("events:event", args=[0])
    return render(
        request,
        "events/calendar.html",
        {
            "form": form,
            "month": first,
            "weeks": month.weeks,
            "month_items": month.agenda,
            "month_total": month.total,
            "month_more": month.total - len(month.agenda),
            "month_list_query": f"date_from={first:%Y-%m-%d}&date_to={last:%Y-%m-%d}",
            "event_prefix": event_url[: event_url.rindex("0/")],
            "events_prefix": reverse("events:index"),
            "today": today,
            "previous": previous,
            "following": following,
            "view": "calendar",
            "proposals_waiting": _proposals_waiting(request),
        },
    )


# On registration day a programme's page is opened by many who are not signed
# in: they share one rendering for a few seconds, its counts catch up live.
@cache_for_anonymous("EVENTS_PAGE_CACHE_SECONDS")
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = permissions.access_event(request.user, event_id)
    seqs = live.last_seqs([event.topic]) if event.approved else None
    current = event.occurrences.filter(
        ends_at__gte=timezone.now() - timedelta(days=1)
    ).select_related("event")
    occurrences = list(current.order_by("starts_at")[: DATES_SHOWN + 1])
    more_dates = len(occurrences) > DATES_SHOWN
    occurrences = occurrences[:DATES_SHOWN] or list(
        event.occurrences.select_related("event").order_by("-starts_at")[:1]
    )
    mine = {}
    if request.user.is_authenticated:
        mine = {
            r.occurrence_id: r
            for r in RSVP.objects.filter(user=request.user, occurrence__in=occurrences)
        }
    draws = {}
    if event.is_draw:
        draws = {
            d.occurrence_id: d
            for d in Draw.objects.filter(occurrence__in=occurrences).only(
                "occurrence_id", "seed", "sha256", "entries", "drawn_at", "tokens"
            )
        }
    entered = {}
    if event.is_draw:
        entered = dict(
            RSVP.objects.filter(occurrence__in=occurrences, status=RSVPStatus.ENTERED)
            .values_list("occurrence_id")
            .annotate(count=Count("id"))
        )
    for occurrence in occurrences:
        occurrence.my_rsvp = mine.get(occurrence.pk)
        occurrence.published_draw = draws.get(occurrence.pk)
        occurrence.entered_count = entered.get(occurrence.pk, 0)
    return render(
        request,
        "events/event.html",
        {
            "event": event,
            "occurrences": occurrences,
            "more_dates": more_dates,
            "live_topics": seqs,
            "can_organise": permissions.can_organise(request.user, event.board),
            "can_edit": permissions.can_edit_event(request.user, event),
            "can_review": permissions.can_review_event(request.user, event),
            "can_manage": permissions.can_manage_attendees(request.user, event),
            "review_form": ReviewForm(),
            "max_guests": range(services.MAX_GUESTS + 1),
            "now": timezone.now(),
            "registration": event.registration_state(),
            "server_now_ms": int(time.time() * 1000),
        },
    )


@login_required
def event_new(request: HttpRequest, slug: str) -> HttpResponse:
    board = access_board(request.user, slug)
    organiser = permissions.can_organise(request.user, board)
    if not organiser and not permissions.can_propose(request.user, board):
        raise PermissionDenied
    form = EventForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.event_propose(
            proposer=request.user,
            board=board,
            tags=data["tags"],
            **form.service_fields(),
        ),
    )
    if done:
        event = done.result
        if event.approved:
            messages.success(request, _("The event is published."))
        else:
            messages.success(
                request,
                _(
                    "Thank you! Your proposal was sent to the board's organisers. We will tell you when they have looked at it."
                ),
            )
        return redirect(event)
    return render(
        request,
        "events/event_form.html",
        {"board": board, "form": form, "organiser": organiser, "event": None},
        status=400 if form.errors else 200,
    )


@login_required
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    event = permissions.access_event(request.user, event_id)
    if not permissions.can_edit_event(request.user, event):
        raise PermissionDenied
    form = EventForm(request.POST or None, event=event)
    done = submit(
        request,
        form,
        lambda data: services.event_update(
            actor=request.user,
            event=event,
            tags=data["tags"],
            **form.service_fields(),
        ),
    )
    if done:
        event = done.result
        messages.success(request, _("Your changes are saved."))
        return redirect(event)
    return render(
        request,
        "events/event_form.html",
        {
            "board": event.board,
            "form": form,
            "organiser": permissions.can_organise(request.user, event.board),
            "event": event,
        },
        status=400 if form.errors else 200,
    )


def _cancel_page(request: HttpRequest, event, occurrence, cancel, done: str):
    """Ask for the reason, call `cancel(reason)`, and go back to the event, or show what was wrong."""
    form = ReasonForm(request.POST or None)
    if submit(request, form, lambda data: cancel(data["reason"])):
        messages.success(request, done)
        return redirect(event)
    return render(
        request,
        "events/cancel.html",
        {"event": event, "occurrence": occurrence, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def event_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    event = permissions.access_event(request.user, event_id)
    if not permissions.can_edit_event(request.user, event):
        raise PermissionDenied
    return _cancel_page(
        request,
        event,
        None,
        lambda reason: services.event_cancel(
            actor=request.user, event=event, reason=reason
        ),
        _("The event is cancelled; everyone signed up has been told."),
    )


@login_required
def occurrence_cancel(request: HttpRequest, occurrence_id: int) -> HttpResponse:
    occurrence = permissions.access_occurrence(request.user, occurrence_id)
    if not permissions.can_organise(request.user, occurrence.event.board):
        raise PermissionDenied
    return _cancel_page(
        request,
        occurrence.event,
        occurrence,
        lambda reason: services.occurrence_cancel(
            actor=request.user, occurrence=occurrence, reason=reason
        ),
        _("This date is cancelled; everyone signed up has been told."),
    )


@login_required
@require_POST
def event_review(request: HttpRequest, event_id: int) -> HttpResponse:
    event = permissions.access_event(request.user, event_id)
    if not permissions.can_organise(request.user, event.board):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.event_review(
            reviewer=request.user,
            event=event,
            approve=data["decision"] == "approve",
            note=data["note"],
        ),
    ):
        messages.success(
            request,
            _("Approved and published.")
            if form.cleaned_data["decision"] == "approve"
            else _("Declined; the proposer has been told why."),
        )
        return redirect(event)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(event)


@login_required
def proposals(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/proposals.html",
        {"proposals": selectors.pending_proposals(request.user)},
    )


@login_required
@require_POST
def registration(request: HttpRequest, event_id: int) -> HttpResponse:
    """Organisers open, close or extend registration (the server's clock decides)."""
    event = permissions.access_event(request.user, event_id)
    closes_at = None
    if request.POST.get("closes_at"):
        field = forms.DateTimeField(required=False)
        try:
            closes_at = field.clean(request.POST["closes_at"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(event)
    try:
        services.registration_change(
            actor=request.user,
            event=event,
            action=request.POST.get("action", ""),
            closes_at=closes_at,
        )
    except PermissionDenied:
        raise
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Registration updated."))
    return redirect(event)


@login_required
@require_POST
def draw_now(request: HttpRequest, occurrence_id: int) -> HttpResponse:
    """An organiser runs a date's draw after the close (if the scheduled one has not run)."""
    occurrence = permissions.access_occurrence(request.user, occurrence_id)
    try:
        services.draw_run(actor=request.user, occurrence=occurrence)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The draw is done and published."))
    return redirect(f"{occurrence.event.get_absolute_url()}#date-{occurrence.pk}")


@login_required
@require_POST
@idempotent("rsvp")
def rsvp(request: HttpRequest, occurrence_id: int) -> HttpResponse:
    occurrence = permissions.access_occurrence_to_sign_up(request.user, occurrence_id)
    going = request.POST.get("going") == "1"
    try:
        guests = int(request.POST.get("guests", "0") or 0)
    except ValueError:
        guests = -1
    try:
        result = services.rsvp_set(
            user=request.user, occurrence=occurrence, going=going, guests=guests
        )
    except RateLimited:
        raise  # 429 or a message (district.guards)
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
                "entered": _(
                    "You are entered in the draw. Places are drawn when registration closes."
                ),
            }[result.status],
        )
    return redirect(f"{occurrence.event.get_absolute_url()}#date-{occurrence.pk}")


@login_required
def attendees(request: HttpRequest, occurrence_id: int) -> HttpResponse:
    occurrence = permissions.access_attendees(request.user, occurrence_id)
    rows = list(selectors.attendees(occurrence))
    if request.method == "GET":
        access_log.record(request, "event attendee list", occurrence)
    if request.method == "POST":
        present = {
            int(value) for value in request.POST.getlist("attended") if value.isdigit()
        }
        try:
            count = services.attendance_record(
                actor=request.user, occurrence=occurrence, attended=present
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Attendance saved: %(count)d present.") % {"count": count},
            )
            return redirect("events:attendees", occurrence.pk)
    return render(
        request,
        "events/attendees.html",
        {
            "occurrence": occurrence,
            "event": occurrence.event,
            "going": [r for r in rows if r.status == RSVPStatus.GOING],
            "waiting": [r for r in rows if r.status == RSVPStatus.WAITLISTED],
            "can_record": occurrence.has_started(),
        },
    )


@login_required
def attendees_csv(request: HttpRequest, occurrence_id: int) -> HttpResponse:
    """The attendee list as CSV: display names only (no e-mail addresses), with a BOM so Excel reads Korean."""
    occurrence = permissions.access_attendees(request.user, occurrence_id)
    access_log.record(
        request, "event attendee list (CSV)", occurrence, action=access_log.EXPORT
    )
    response = csv_response(
        f"event-{occurrence.event_id}-"
        f"{timezone.localtime(occurrence.starts_at):%Y%m%d-%H%M}.csv"
    )
    writer = safe_csv.writer(response)
    writer.writerow(
        [_("Display name"), _("Status"), _("Guests"), _("Signed up"), _("Attended")]
    )
    for row in selectors.attendees(occurrence):
        writer.writerow(
            [
                display_name(row.user),
                row.get_status_display(),
                row.guests,
                timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M"),
                "" if row.attended is None else (_("Yes") if row.attended else _("No")),
            ]
        )
    return response


@login_required
def my_events(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.calendar_feed_for(user=request.user, renew=True)
        messages.success(
            request,
            _("Your calendar has a new address; the old one no longer works."),
        )
        return redirect("events:mine")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if feed is None:
        feed = services.calendar_feed_for(user=request.user)
    feed_url = request.build_absolute_uri(reverse("events:my_feed", args=[feed.token]))
    return render(
        request,
        "events/my_events.html",
        {
            "rsvps": selectors.user_occurrences(request.user),
            "proposals_waiting": _proposals_waiting(request),
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
            "proposals": request.user.organised_events.exclude(
                review_state=ReviewState.APPROVED
            ).order_by("-created_at")[:20],
        },
    )


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def event_ics_file(request: HttpRequest, event_id: int) -> HttpResponse:
    event = permissions.access_event(request.user, event_id)
    response = _ics_response(event_ics([event], request), f"event-{event.pk}.ics")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


def board_feed(request: HttpRequest, slug: str) -> HttpResponse:
    board = access_board(request.user, slug)
    return _ics_response(
        board_ics(board, selectors.feed_events(board), request), f"{board.slug}.ics"
    )


def my_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A resident's dates, for a phone calendar that subscribes without signing in: the token is the key."""
    feed = (
        CalendarFeed.objects.select_related("user__profile").filter(token=token).first()
        if len(token) == 43
        else None
    )
    if feed is None or not feed.user.is_active:
        raise Http404
    rsvps = selectors.user_occurrences(feed.user, upcoming=False).filter(
        occurrence__ends_at__gte=timezone.now() - selectors.FEED_HISTORY
    )
    profile = getattr(feed.user, "profile", None)
    return _ics_response(
        occurrences_ics(rsvps, request, language=profile.language if profile else ""),
        "my-events.ics",
    )


def sign_up_turned_away(request: HttpRequest) -> HttpResponse:
    """A sign-up whose turn did not come in time (its lane in district.handler): back to press again.

    Nothing was written. The page it came from shows why (`busy=1`).
    """
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("events:index")
    back = back.split("#")[0]
    if not re.search(r"[?&]busy=1(&|$)", back):  # pressed again from a "busy" page
        back += ("&" if "?" in back else "?") + "busy=1"
    return HttpResponseRedirect(back, status=303)
