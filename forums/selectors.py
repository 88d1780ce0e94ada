"""Named reads for the forum pages."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from forums import permissions
from forums.models import Board, BoardVisit, Post, Reaction, ReadMarker, Thread
from forums.services import reaction_counts


def board_threads(user: User | AnonymousUser, board: Board) -> QuerySet[Thread]:
    threads = (
        Thread.objects.filter(board=board)
        .select_related("author__profile", "last_post__author__profile")
        .order_by("-is_pinned", "-last_activity_at", "-id")
    )
    if not permissions.can_moderate(user, board):
        threads = threads.filter(is_hidden=False)
    if user.is_authenticated:
        markers = ReadMarker.objects.filter(user=user, thread=OuterRef("pk")).values(
            "last_read_post_id"
        )[:1]
        threads = threads.annotate(last_read_post_id=Subquery(markers))
    return threads


def board_visit(user: User | AnonymousUser, board: Board):
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


def thread_posts(user: User | AnonymousUser, thread: Thread) -> QuerySet[Post]:
    posts = (
        Post.objects.filter(thread=thread)
        .select_related("author__profile", "quote_of__author__profile")
        .order_by("id")
    )
    if not permissions.can_moderate(user, thread.board):
        posts = posts.filter(is_hidden=False)
    return posts


def thread_page(
    user: User | AnonymousUser, thread: Thread, number: str | int | None
) -> Page:
    paginator = Paginator(thread_posts(user, thread), settings.FORUMS_POSTS_PER_PAGE)
    page = paginator.get_page(number)
    posts = list(page.object_list)
    counts = reaction_counts(post.pk for post in posts)
    mine: set[tuple[int, str]] = set()
    if user.is_authenticated:
        mine = set(
            Reaction.objects.filter(user=user, post__in=posts).values_list(
                "post_id", "kind"
            )
        )
    for post in posts:
        post.counts = counts.get(post.pk, {})
        post.my_reactions = {kind for post_id, kind in mine if post_id == post.pk}
    page.object_list = posts
    return page


def page_of_post(user: User | AnonymousUser, post: Post) -> int:
    before = thread_posts(user, post.thread).filter(id__lt=post.pk).count()
    return before // settings.FORUMS_POSTS_PER_PAGE + 1


def mark_read(user: User | AnonymousUser, thread: Thread, posts: list[Post]) -> None:
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
