"""Posting limits: length, flood and new-account limits (Discourse's defaults, in settings)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from district.markup import count_links, mentioned_names
from district.models import Profile
from district.pii import refuse_rrn
from forums import permissions
from forums.models import Board, Post


def check_body(body: str) -> str:
    body = body.strip()
    refuse_rrn(body=body)
    if len(body) < settings.FORUMS_MIN_POST_LENGTH:
        raise ValidationError(
            {
                "body": _("Please write at least %(count)d characters.")
                % {"count": settings.FORUMS_MIN_POST_LENGTH}
            }
        )
    if len(body) > settings.FORUMS_MAX_POST_LENGTH:
        raise ValidationError(
            {
                "body": _(
                    "Please keep it under %(limit)d characters (this has %(count)d)."
                )
                % {"limit": settings.FORUMS_MAX_POST_LENGTH, "count": len(body)}
            }
        )
    return body


def check_posting_limits(author: AbstractUser, board: Board, body: str) -> None:
    """Flood and spam limits; moderators are exempt. Runs with the author's profile row locked."""
    if permissions.can_moderate(author, board):
        return
    Profile.objects.select_for_update().filter(user=author).first()
    now = timezone.now()
    last = (
        Post.objects.filter(author=author)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    gap = settings.FORUMS_MIN_SECONDS_BETWEEN_POSTS
    if last and (now - last).total_seconds() < gap:
        wait = max(1, int(gap - (now - last).total_seconds()))
        raise ValidationError(
            ngettext(
                "You are posting very quickly. Please wait %(count)d second and try again.",
                "You are posting very quickly. Please wait %(count)d seconds and try again.",
                wait,
            )
            % {"count": wait}
        )
    if now - author.date_joined < timedelta(hours=settings.FORUMS_NEW_ACCOUNT_HOURS):
        posted = Post.objects.filter(
            author=author, created_at__gte=author.date_joined
        ).count()
        if posted >= settings.FORUMS_NEW_ACCOUNT_MAX_POSTS:
            raise ValidationError(
                _(
                    "New accounts can post %(count)d times on their first day. Please come back tomorrow."
                )
                % {"count": settings.FORUMS_NEW_ACCOUNT_MAX_POSTS}
            )
        if count_links(body) > settings.FORUMS_NEW_ACCOUNT_MAX_LINKS:
            raise ValidationError(
                {
                    "body": _(
                        "New accounts can include at most %(count)d links in a post."
                    )
                    % {"count": settings.FORUMS_NEW_ACCOUNT_MAX_LINKS}
                }
            )
        if len(mentioned_names(body)) > settings.FORUMS_NEW_ACCOUNT_MAX_MENTIONS:
            raise ValidationError(
                {
                    "body": _(
                        "New accounts can mention at most %(count)d people in a post."
                    )
                    % {"count": settings.FORUMS_NEW_ACCOUNT_MAX_MENTIONS}
                }
            )
