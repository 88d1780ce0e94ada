"""What forums do when an account closes, and what they put in a resident's data export (`district.accounts`)."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch

from district.accounts import (
    Closing,
    register_account_closer,
    register_data_exporter,
)
from forums.models import (
    BoardVisit,
    Post,
    PostRevision,
    Reaction,
    ReadMarker,
    Report,
    Thread,
)


def _deletable(post: Post, user_id: int) -> bool:
    """A post another resident's reply depends on stays: one quoted by someone else.

    (The opening post of a thread with others' replies stays too: `post_delete_own` refuses it.)
    """
    return not Post.objects.filter(quote_of=post).exclude(author_id=user_id).exists()


def close_account(closing: Closing) -> None:
    """Reading traces go; posts stay under "former member" unless the person asked to delete them.

    With `delete_content`, each of their posts goes through `post_delete_own`
    (newest first, so a thread with only their posts goes as a whole), except
    posts others depend on: quoted by another resident, the opening post of a
    thread others replied to, and posts moderators are looking at.
    """
    from forums.services import posting

    user = closing.user
    ReadMarker.objects.filter(user=user).delete()
    BoardVisit.objects.filter(user=user).delete()
    if not closing.delete_content:
        return
    for post in Post.objects.filter(author=user).order_by("-id"):
        if not _deletable(post, user.pk):
            continue
        try:
            posting.post_delete_own(author=user, post=post)
        except (ValidationError, PermissionDenied):
            continue


def _posts(user: AbstractUser) -> list[dict]:
    posts = (
        Post.objects.filter(author=user)
        .select_related("thread")
        .prefetch_related(
            Prefetch("revisions", queryset=PostRevision.objects.order_by("edited_at"))
        )
        .order_by("id")
    )
    return [
        {
            "id": post.pk,
            "thread": post.thread.title,
            "thread_id": post.thread_id,
            "created_at": post.created_at,
            "edited_at": post.edited_at,
            "hidden": post.is_hidden,
            "body": post.body,
            "earlier_versions": [
                {"edited_at": r.edited_at, "body": r.body} for r in post.revisions.all()
            ],
        }
        for post in posts
    ]


def _threads(user: AbstractUser) -> list[dict]:
    return [
        {
            "id": t.pk,
            "title": t.title,
            "board": str(t.board),
            "created_at": t.created_at,
        }
        for t in Thread.objects.filter(author=user).select_related("board")
    ]


def _reactions(user: AbstractUser) -> list[dict]:
    return [
        {"post_id": r.post_id, "kind": r.kind}
        for r in Reaction.objects.filter(user=user).order_by("id")
    ]


def _reports(user: AbstractUser) -> list[dict]:
    return [
        {
            "post_id": r.post_id,
            "reason": r.reason,
            "note": r.note,
            "created_at": r.created_at,
            "resolved_at": r.resolved_at,
        }
        for r in Report.objects.filter(reporter=user).order_by("id")
    ]


def register() -> None:
    register_account_closer("forums", close_account, order=20)
    register_data_exporter("forum_threads", _threads)
    register_data_exporter("forum_posts", _posts)
    register_data_exporter("forum_reactions", _reactions)
    register_data_exporter("forum_reports", _reports)
