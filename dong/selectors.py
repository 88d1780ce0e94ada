"""Named reads for association content: notices and minutes across the district or in one dong."""

from django.db.models import QuerySet

from dong.models import DongPage, MinutesPage, NoticePage


def with_dong_titles(pages: list) -> list:
    """Attach `dong_title` (in the reader's language) to each page with one extra query."""
    if not pages:
        return pages
    step = DongPage.steplen
    prefixes = {page.path[: step * 3] for page in pages}
    dongs = {d.path: d for d in DongPage.objects.filter(path__in=prefixes, depth=3)}
    for page in pages:
        dong = dongs.get(page.path[: step * 3])
        page.dong_title = dong.local_name if dong else ""
        page.dong_slug = dong.slug if dong else ""
    return pages


def public_notices(dong: DongPage | None = None) -> QuerySet[NoticePage]:
    notices = NoticePage.objects.live().public()
    if dong is not None:
        notices = notices.descendant_of(dong)
    return notices.order_by("-date", "-pk")


def latest_notices(limit: int = 10, dong: DongPage | None = None) -> list[NoticePage]:
    return with_dong_titles(list(public_notices(dong)[:limit]))


def notices_tagged(slug: str) -> QuerySet[NoticePage]:
    return public_notices().filter(tags__slug=slug).distinct()


def public_minutes(dong: DongPage | None = None) -> QuerySet[MinutesPage]:
    minutes = MinutesPage.objects.live().public()
    if dong is not None:
        minutes = minutes.descendant_of(dong)
    return minutes.order_by("-meeting_date", "-pk")
