"""Named reads for association content: notices and minutes across the district or in one dong.

Lists load only the columns a list shows (`*_LIST_FIELDS` in `dong.models`).
"""

from collections.abc import Iterable

from django.db.models import QuerySet
from wagtail.models import Page

from district.privacy import public_within
from dong.models import (
    DONG_LIST_FIELDS,
    DongPage,
    MinutesPage,
    NoticePage,
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
    return NoticePage.public_in(within)


def notice_list(within: Page | None = None) -> QuerySet[NoticePage]:
    """Public notices, newest first, with what a list shows."""
    return NoticePage.public_list(within)


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
    return MinutesPage.public_in(within)


def minutes_list(within: Page | None = None) -> QuerySet[MinutesPage]:
    """Public minutes, latest meeting first, with what a list shows."""
    return MinutesPage.public_list(within)
