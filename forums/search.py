"""What site search finds on the forums. Registered with `district.search` from `ForumsConfig.ready()`.

Every board is open to every reader; what is hidden is not (`permissions.can_read_thread`,
`access_post`). Search goes further than the board pages: hidden threads, hidden
posts and the posts of hidden threads are never found, moderators included;
they find them in the moderation queue.
"""

from django.db.models import Q, QuerySet

from district.search import AnyUser, DongChoice, Match, Result
from forums.models import Board, Post, Thread


def visible_threads(reader: AnyUser) -> QuerySet[Thread]:
    return Thread.objects.filter(is_hidden=False).select_related("board__dong")


def visible_posts(reader: AnyUser) -> QuerySet[Post]:
    return Post.objects.filter(is_hidden=False, thread__is_hidden=False).select_related(
        "thread__board__dong"
    )


def threads_in(choice: DongChoice) -> Q:
    return Q(board__dong_id=choice.page_id)


def posts_in(choice: DongChoice) -> Q:
    return Q(thread__board__dong_id=choice.page_id)


def _where(board: Board) -> str:
    return board.dong.local_name if board.dong else board.local_name


def describe_thread(thread: Thread, match: Match) -> Result:
    return Result(
        title=thread.title,
        url=thread.get_absolute_url(),
        kind=str(Thread._meta.verbose_name),
        snippet=match.snippet(thread.title),
        dong=_where(thread.board),
    )


def describe_post(post: Post, match: Match) -> Result:
    return Result(
        title=post.thread.title,
        url=post.get_absolute_url(),
        kind=str(Post._meta.verbose_name),
        snippet=match.snippet(post.body),
        dong=_where(post.thread.board),
    )
