"""Content for association-page tests, made the way the site makes it (page tree, services)."""

import itertools
from datetime import timedelta
from io import BytesIO

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model

from dong.models import (
    DongPage,
    MinutesIndexPage,
    MinutesPage,
    NoticeIndexPage,
    NoticePage,
)
from events import services as event_services

SLUGS = itertools.count(1)


def add_notice(
    dong: DongPage, title: str, *, tags=(), live=True, days_ago=0, summary=""
) -> NoticePage:
    index = NoticeIndexPage.objects.child_of(dong).get()
    notice = NoticePage(
        title=title,
        slug=f"notice-{next(SLUGS)}",
        date=timezone.localdate() - timedelta(days=days_ago),
        summary=summary,
        body=f"<p>{title}</p>",
    )
    notice.tags.add(*tags)
    index.add_child(instance=notice)
    revision = notice.save_revision()
    if live:
        revision.publish()
    else:
        notice.unpublish()
    return notice


def add_minutes(dong: DongPage, title: str, *, live=True, days_ago=0) -> MinutesPage:
    index = MinutesIndexPage.objects.child_of(dong).get()
    minutes = MinutesPage(
        title=title,
        slug=f"minutes-{next(SLUGS)}",
        meeting_date=timezone.localdate() - timedelta(days=days_ago),
        meeting_type="regular",
    )
    index.add_child(instance=minutes)
    revision = minutes.save_revision()
    if live:
        revision.publish()
    else:
        minutes.unpublish()
    return minutes


def add_event(organiser, board, title: str, *, days: int = 7, **fields):
    """An organiser's event starting `days` from now at 14:00 Seoul time, through the events service."""
    start = (timezone.localtime() + timedelta(days=days)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    return event_services.event_create(
        organiser=organiser,
        board=board,
        title=title,
        description=fields.pop("description", f"{title} 안내"),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        **fields,
    )


def add_image(collection, title: str = "사진"):
    buffer = BytesIO()
    PILImage.new("RGB", (120, 120), (30, 90, 160)).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title,
        collection=collection,
        file=ImageFile(buffer, name=f"image-{next(SLUGS)}.png"),
    )
