"""What a resident has read: read markers per thread and visits per board (writes, made while reading).

Reading a page must not cost a write when nothing changed: the cache remembers
the furthest post each resident has read in each thread and when their board
visit was last recorded, and only news reaches the database. Markers only
move forward, so a remembered marker (even one from another process's local
cache) never hides a write that was needed.
"""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.utils import timezone

from forums.models import Board, BoardVisit, Post, ReadMarker, Thread

# A visit counts as new after this long away, so reloading does not clear "new".
NEW_VISIT_AFTER = timedelta(minutes=30)
# Visits closer together than this are one visit: no write.
VISIT_RECORDED_EVERY = timedelta(minutes=5)
MARKER_SECONDS = 24 * 3600


def _visit_key(user_id: int, board_id: int) -> str:
    return f"forums:visit:{user_id}:{board_id}"


def _marker_key(user_id: int, thread_id: int) -> str:
    return f"forums:read:{user_id}:{thread_id}"


def board_visit(*, user: User | AnonymousUser, board: Board):
    """Record this visit; return when the resident was here before (None on a first visit)."""
    if not user.is_authenticated:
        return None
    now = timezone.now()
    key = _visit_key(user.pk, board.pk)
    remembered = cache.get(key)
    if remembered is not None and now - remembered[0] < VISIT_RECORDED_EVERY:
        return remembered[1]
    visit = BoardVisit.objects.filter(user=user, board=board).first()
    if visit is None:
        BoardVisit.objects.create(user=user, board=board, last_visit_at=now)
        cache.set(key, (now, None), VISIT_RECORDED_EVERY.total_seconds())
        return None
    if now - visit.last_visit_at > NEW_VISIT_AFTER:
        visit.previous_visit_at = visit.last_visit_at
    visit.last_visit_at = now
    visit.save(update_fields=["previous_visit_at", "last_visit_at"])
    cache.set(key, (now, visit.previous_visit_at), VISIT_RECORDED_EVERY.total_seconds())
    return visit.previous_visit_at


def mark_read(*, user: User | AnonymousUser, thread: Thread, posts: list[Post]) -> None:
    """Move the resident's read marker in `thread` up to the newest of `posts`; no write if it is there already."""
    if not user.is_authenticated or not posts:
        return
    newest = max(post.pk for post in posts)
    key = _marker_key(user.pk, thread.pk)
    if (cache.get(key) or 0) >= newest:
        return
    updated = ReadMarker.objects.filter(
        user=user, thread=thread, last_read_post_id__lt=newest
    ).update(last_read_post_id=newest)
    if not updated:  # no marker yet, or it is already further on (then this is a no-op)
        ReadMarker.objects.bulk_create(
            [ReadMarker(user=user, thread=thread, last_read_post_id=newest)],
            ignore_conflicts=True,
        )
    cache.set(key, newest, MARKER_SECONDS)
