"""Who may read, post and moderate on the forums. Every view and the live socket ask here.

`access_*` fetch and check at once, answering 404 alike for "missing" and
"not yours to see", so hidden content does not reveal that it exists.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from district.roles import district_staff, is_district_staff, user_group_ids
from forums.models import Board, Post, Thread

AnyUser = User | AnonymousUser


# Who runs a board: one policy, asked in three directions (may this user, which
# boards, which users). District staff (superusers included) everywhere; an
# association's leaders on its boards; facilitators on theirs. Events'
# organisers are the same people (`events.permissions.can_organise`).


def _runner_groups(board: Board) -> list[int]:
    """The groups that run `board` besides District staff."""
    groups = []
    if board.facilitators_id:
        groups.append(board.facilitators_id)
    if board.dong_id and board.dong.leaders_group_id:
        groups.append(board.dong.leaders_group_id)
    return groups


def can_moderate(user: AnyUser, board: Board) -> bool:
    """District staff everywhere; an association's leaders on its boards; facilitators on theirs."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_district_staff(user):
        return True
    return not user_group_ids(user).isdisjoint(_runner_groups(board))


def moderated_boards(user: AnyUser) -> QuerySet[Board]:
    """The boards whose queue this user sees."""
    boards = Board.objects.select_related("dong")
    if is_district_staff(user):
        return boards
    if not user.is_authenticated or not user.is_active:
        return boards.none()
    groups = user_group_ids(user)
    return boards.filter(
        Q(facilitators_id__in=groups) | Q(dong__leaders_group_id__in=groups)
    )


def moderators_of(board: Board, *, first_line: bool = False) -> QuerySet:
    """Everyone for whom `can_moderate(user, board)` is true.

    With `first_line`, only those closest to the board, who are told about
    what waits there (a resident's event proposal): its facilitators or its
    association's leaders, and District staff only where it has neither.
    """
    users = get_user_model().objects.filter(is_active=True)
    groups = _runner_groups(board)
    if first_line and groups:
        return users.filter(groups__in=groups).distinct().order_by("pk")
    if first_line:
        return district_staff().distinct().order_by("pk")
    return (
        users.filter(Q(groups__in=groups) | Q(pk__in=district_staff().values("pk")))
        .distinct()
        .order_by("pk")
    )


def can_read_thread(user: AnyUser, thread: Thread) -> bool:
    return not thread.is_hidden or can_moderate(user, thread.board)


def can_post(user: AnyUser, board: Board) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_reply(user: AnyUser, thread: Thread) -> bool:
    if not can_post(user, thread.board) or not can_read_thread(user, thread):
        return False
    return not thread.is_locked or can_moderate(user, thread.board)


def can_edit_post(user: AnyUser, post: Post) -> bool:
    """Authors for FORUMS_EDIT_WINDOW_MINUTES after posting (while the thread is open); moderators always."""
    if can_moderate(user, post.thread.board):
        return True
    if (
        not user.is_authenticated
        or post.author_id != user.pk
        or post.is_hidden
        or post.thread.is_locked
    ):
        return False
    return timezone.now() - post.created_at <= timedelta(
        minutes=settings.FORUMS_EDIT_WINDOW_MINUTES
    )


def can_react_or_report(user: AnyUser, post: Post) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and not post.is_hidden
        and post.author_id != user.pk
    )


def access_board(user: AnyUser, slug: str) -> Board:
    try:
        return Board.objects.select_related("dong").get(slug=slug)
    except Board.DoesNotExist:
        raise Http404 from None


def access_thread(user: AnyUser, thread_id: int) -> Thread:
    try:
        thread = Thread.objects.select_related("board__dong", "author__profile").get(
            pk=thread_id
        )
    except Thread.DoesNotExist:
        raise Http404 from None
    if not can_read_thread(user, thread):
        raise Http404
    return thread


def access_post(user: AnyUser, post_id: int) -> Post:
    try:
        post = Post.objects.select_related(
            "thread__board__dong", "author__profile"
        ).get(pk=post_id)
    except Post.DoesNotExist:
        raise Http404 from None
    if post.thread.is_hidden and not can_read_thread(user, post.thread):
        raise Http404
    # A hidden post: its moderators, and its author (who reads why and may appeal).
    if (
        post.is_hidden
        and post.author_id != user.pk
        and not can_moderate(user, post.thread.board)
    ):
        raise Http404
    return post


def can_subscribe_thread(user: AnyUser, thread_id: int) -> bool:
    thread = Thread.objects.select_related("board__dong").filter(pk=thread_id).first()
    return thread is not None and can_read_thread(user, thread)


def can_subscribe_board(user: AnyUser, board_id: int) -> bool:
    return Board.objects.filter(pk=board_id).exists()
