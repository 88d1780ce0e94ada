"""Which forum texts residents can have machine-translated (district.translation)."""

from django.http import HttpRequest

from district.translation import register_translatable
from forums.models import Post, Thread
from forums.permissions import can_moderate, can_read_thread


def _can_read_thread(request: HttpRequest, thread: Thread) -> bool:
    return can_read_thread(request.user, thread)


def _can_read_post(request: HttpRequest, post: Post) -> bool:
    thread = post.thread
    if not can_read_thread(request.user, thread):
        return False
    return not post.is_hidden or can_moderate(request.user, thread.board)


def register() -> None:
    register_translatable(
        Thread,
        ["title"],
        topic=lambda thread: f"thread:{thread.pk}",
        can_read=_can_read_thread,
    )
    register_translatable(
        Post,
        [("body", "markdown")],
        topic=lambda post: f"thread:{post.thread_id}",
        can_read=_can_read_post,
    )
