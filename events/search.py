"""What site search finds among events. Registered with `district.search` from `EventsConfig.ready()`.

Approved events that are not cancelled, whatever their date (a past event's
page is still worth finding), by title, description and place. Each event
opens a discussion thread with its title and description: that thread and its
opening post rank after everything else, since the event's own result leads
to both.
"""

from django.db.models import Q, QuerySet
from django.utils import formats, timezone

from district.search import (
    AnyUser,
    DongChoice,
    Match,
    Result,
    register_search_demotion,
    register_search_source,
)
from events.models import Event, EventStatus, ReviewState
from forums.models import Post, Thread
from forums.selectors import opening_posts


def visible_events(reader: AnyUser) -> QuerySet[Event]:
    return (
        Event.objects.filter(review_state=ReviewState.APPROVED)
        .exclude(status=EventStatus.CANCELLED)
        .select_related("board__dong")
    )


def events_in(choice: DongChoice) -> Q:
    return Q(board__dong_id=choice.page_id)


def describe_event(event: Event, match: Match) -> Result:
    board = event.board
    when = formats.date_format(timezone.localtime(event.starts_at), "DATE_FORMAT")
    return Result(
        title=event.title,
        url=event.get_absolute_url(),
        kind=f"{Event._meta.verbose_name} · {when}",
        snippet=match.snippet(event.description or event.location_name or event.title),
        dong=board.dong.local_name if board.dong else board.local_name,
    )


def event_threads() -> QuerySet[Thread]:
    return Thread.objects.filter(event__isnull=False)


def event_opening_posts() -> QuerySet[Post]:
    return opening_posts(event_threads())


def register() -> None:
    register_search_source(
        Event, visible=visible_events, dong=events_in, describe=describe_event
    )
    register_search_demotion(Thread, event_threads)
    register_search_demotion(Post, event_opening_posts)
