"""Named reads for association content: notices and minutes across the district or in one dong.

Lists load only the columns a list shows (`*_LIST_FIELDS`): a Wagtail page row
has some forty, and building forty-column objects for every item was a good
part of a page's time. A template that shows a new field in a list must add
it here, or each item costs a query (the query-count tests would say so).
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from wagtail.models import Page

from district.privacy import public, public_within
from dong.models import DongPage, MinutesPage, NoticePage

if TYPE_CHECKING:
    from events.models import Occurrence

# url_path is what `{% pageurl %}` needs; path ties a page to its association.
PAGE_LIST_FIELDS = ("title", "slug", "url_path", "path", "depth")
DONG_LIST_FIELDS = (*PAGE_LIST_FIELDS, "name_en")
NOTICE_LIST_FIELDS = (*PAGE_LIST_FIELDS, "date", "summary", "pinned_until")
MINUTES_LIST_FIELDS = (*PAGE_LIST_FIELDS, "meeting_date", "meeting_type")
# What `dong/includes/occurrence_item.html` shows: the date, the event, its board.
OCCURRENCE_LIST_FIELDS = (
    "starts_at",
    "event__title",
    "event__location_name",
    "event__board__slug",
    "event__board__name",
    "event__board__name_en",
)


def with_dong_titles(pages: list, known_dongs: Iterable[DongPage] = ()) -> list:
    """Attach `dong_title` (in the reader's language) and `dong_slug` to each page.

    Associations already at hand (`known_dongs`, e.g. the home page's list) are
    used as they are; the others are read in one query.
    """
    if not pages:
        return pages
    step = DongPage.steplen
    dongs = {d.path: d for d in known_dongs}
    missing = {page.path[: step * 3] for page in pages} - dongs.keys()
    if missing:
        dongs.update(
            (d.path, d)
            for d in DongPage.objects.filter(path__in=missing, depth=3).only(
                *DONG_LIST_FIELDS
            )
        )
    for page in pages:
        dong = dongs.get(page.path[: step * 3])
        page.dong_title = dong.local_name if dong else ""
        page.dong_slug = dong.slug if dong else ""
    return pages


def public_dongs(home: Page) -> QuerySet[DongPage]:
    """The associations below the home page, for the home page's list."""
    return (
        public_within(home, DongPage.objects.child_of(home).live())
        .only(*DONG_LIST_FIELDS)
        .order_by("path")
    )


def public_notices(within: Page | None = None) -> QuerySet[NoticePage]:
    """Live, public notices (below `within`, an association or the home page), newest first."""
    notices = NoticePage.objects.live()
    notices = public(notices) if within is None else public_within(within, notices)
    return notices.order_by("-date", "-pk")


def notice_list(within: Page | None = None) -> QuerySet[NoticePage]:
    """Public notices, newest first, with what a list shows."""
    return public_notices(within).only(*NOTICE_LIST_FIELDS)


def latest_notices(
    limit: int = 10,
    within: Page | None = None,
    known_dongs: Iterable[DongPage] = (),
) -> list[NoticePage]:
    return with_dong_titles(list(notice_list(within)[:limit]), known_dongs)


def notices_tagged(slug: str) -> QuerySet[NoticePage]:
    return notice_list().filter(tags__slug=slug).distinct()


def public_minutes(within: Page | None = None) -> QuerySet[MinutesPage]:
    """Live, public minutes (below `within`), latest meeting first."""
    minutes = MinutesPage.objects.live()
    minutes = public(minutes) if within is None else public_within(within, minutes)
    return minutes.order_by("-meeting_date", "-pk")


def minutes_list(within: Page | None = None) -> QuerySet[MinutesPage]:
    """Public minutes, latest meeting first, with what a list shows."""
    return public_minutes(within).only(*MINUTES_LIST_FIELDS)


def upcoming_event_dates(
    dong: DongPage | None = None, limit: int = 5
) -> "list[Occurrence]":
    """The next event dates for a list (home, association page, its block), soonest first.

    `events.selectors.upcoming_occurrences()` with its rules, reading only what
    the list shows.
    """
    from events.selectors import upcoming_occurrences

    occurrences = upcoming_occurrences().only(*OCCURRENCE_LIST_FIELDS)
    if dong is not None:
        occurrences = occurrences.filter(event__board__dong=dong)
    return list(occurrences[:limit])
