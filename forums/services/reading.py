"""What a resident has read: read markers per thread and visits per board (writes, made while reading)."""

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from forums.models import Board, BoardVisit, Post, ReadMarker, Thread


def board_visit(*, user: User | AnonymousUser, board: Board):
    """Record this visit; return when the resident was here before (None on a first visit)."""
    if not user.is_authenticated:
        return None
    now = timezone.now()
    visit = BoardVisit.objects.filter(user=user, board=board).first()
    if visit is None:
        BoardVisit.objects.create(user=user, board=board, last_visit_at=now)
        return None
    # A visit counts as new after 30 minutes away, so reloading does not clear "new".
    if (now - visit.last_visit_at).total_seconds() > 30 * 60:
        visit.previous_visit_at = visit.last_visit_at
    visit.last_visit_at = now
    visit.save(update_fields=["previous_visit_at", "last_visit_at"])
    return visit.previous_visit_at


def mark_read(*, user: User | AnonymousUser, thread: Thread, posts: list[Post]) -> None:
    if not user.is_authenticated or not posts:
        return
    newest = max(post.pk for post in posts)
    updated = ReadMarker.objects.filter(
        user=user, thread=thread, last_read_post_id__lt=newest
    ).update(last_read_post_id=newest)
    if not updated:  # no marker yet, or it is already further on (then this is a no-op)
        ReadMarker.objects.bulk_create(
            [ReadMarker(user=user, thread=thread, last_read_post_id=newest)],
            ignore_conflicts=True,
        )
