"""Named reads for the forum pages."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from district.keyset import KeysetPage, keyset_page
from forums import permissions
from forums.models import (
    Board,
    ModerationAction,
    Post,
    Reaction,
    ReadMarker,
    Thread,
)


def reaction_counts(post_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Each post's reactions by kind."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Reaction.objects.filter(post_id__in=list(post_ids))
        .values("post_id", "kind")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts.setdefault(row["post_id"], {})[row["kind"]] = row["n"]
    return counts


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


def board_thread_page(user: User | AnonymousUser, board: Board, params) -> KeysetPage:
    """A page of a board's threads (keyset, `district.keyset`): as fast deep in the board as at its top.

    Pinned threads head the newest page only; the pages run through the others,
    latest activity first, from the index on (board, is_hidden, is_pinned,
    last_activity_at).
    """
    threads = board_threads(user, board)
    page = keyset_page(
        threads.filter(is_pinned=False),
        params,
        time_field="last_activity_at",
        size=settings.FORUMS_THREADS_PER_PAGE,
    )
    if page.is_first:
        page.object_list = list(threads.filter(is_pinned=True)) + page.object_list
    return page


def thread_posts(user: User | AnonymousUser, thread: Thread) -> QuerySet[Post]:
    posts = (
        Post.objects.filter(thread=thread)
        .select_related("author__profile", "quote_of__author__profile")
        .order_by("id")
    )
    if not permissions.can_moderate(user, thread.board):
        # Authors still see their own hidden posts, with why (`hidden_notes`).
        visible = Q(is_hidden=False)
        if user.is_authenticated:
            visible |= Q(author_id=user.pk)
        posts = posts.filter(visible)
    return posts


def hidden_notes(user: User | AnonymousUser, posts: list[Post]) -> None:
    """Give each of `user`'s own hidden posts the moderation entry that hid it (`post.hidden_by`), for the reason and the appeal link."""
    mine = [p.pk for p in posts if p.is_hidden and p.author_id == user.pk]
    if not mine:
        return
    latest: dict[int, ModerationAction] = {}
    for action in ModerationAction.objects.filter(
        post_id__in=mine,
        kind__in=(ModerationAction.Kind.HIDE, ModerationAction.Kind.AUTO_HIDE),
    ).order_by("created_at", "id"):
        latest[action.post_id] = action
    for post in posts:
        post.hidden_by = latest.get(post.pk)


def lock_action(user: User | AnonymousUser, thread: Thread) -> ModerationAction | None:
    """For the author of a locked thread: the entry that locked it (its reason, and the appeal link)."""
    if not thread.is_locked or not user.is_authenticated or thread.author_id != user.pk:
        return None
    return (
        ModerationAction.objects.filter(
            thread=thread, post__isnull=True, kind=ModerationAction.Kind.LOCK
        )
        .order_by("-created_at", "-id")
        .first()
    )


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
    if user.is_authenticated:
        hidden_notes(user, posts)
    for post in posts:
        post.counts = counts.get(post.pk, {})
        post.my_reactions = {kind for post_id, kind in mine if post_id == post.pk}
    page.object_list = posts
    return page


def page_of_post(user: User | AnonymousUser, post: Post) -> int:
    before = thread_posts(user, post.thread).filter(id__lt=post.pk).count()
    return before // settings.FORUMS_POSTS_PER_PAGE + 1


def posts_by(author: User) -> QuerySet[Post]:
    """A resident's own posts, newest first, with their threads and boards (hidden ones too: they are theirs)."""
    return (
        Post.objects.filter(author=author)
        .select_related("thread__board__dong")
        .order_by("-pk")
    )


def opening_posts(threads: QuerySet[Thread]) -> QuerySet[Post]:
    """The first post of each of `threads`: for an app's own discussion threads, the text its item repeats."""
    first = (
        Post.objects.filter(thread=OuterRef("thread")).order_by("pk").values("pk")[:1]
    )
    return Post.objects.filter(thread__in=threads, pk=Subquery(first))
