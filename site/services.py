"""Writes about accounts and notifications that touch several models."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from district import live
from district.models import Notification, Profile
from district.usercache import forget_unread


@transaction.atomic
def account_ensure(
    *,
    email: str,
    password_hash: str,
    display_name: str,
    home_dong: Page | None = None,
    language: str = "",
    groups: tuple[Group, ...] = (),
    is_superuser: bool = False,
) -> AbstractUser:
    """Create (or bring up to date) a verified account with its profile; used by seeding and tests.

    Takes a password hash (`make_password`), so that seeding many accounts hashes once.

    Residents sign up through allauth instead, which verifies the address by e-mail.
    """
    User = get_user_model()
    username = email.split("@", 1)[0] if not is_superuser else "admin"
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(username=username, email=email)
    user.is_superuser = user.is_staff = is_superuser
    user.password = password_hash
    user.save()
    if groups:
        user.groups.add(*groups)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "display_name": display_name,
            "home_dong": home_dong,
            "language": language,
        },
    )
    return user


@live.atomic
def notification_create(
    *,
    user: AbstractUser,
    kind: str,
    actor_name: str = "",
    url: str = "",
    params: dict | None = None,
    email_now: bool = False,
) -> Notification:
    """Store a notification and ring the bell on the user's stream.

    An e-mail follows after NOTIFICATION_EMAIL_DELAY_MINUTES if it is still
    unread, or right after commit with `email_now` (reminders, which are about
    time).
    """
    notification = Notification.objects.create(
        user=user, kind=kind, actor_name=actor_name, url=url, params=params or {}
    )
    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    forget_unread(user.pk)
    transaction.on_commit(lambda: _schedule_email(notification.pk, now=email_now))
    live.publish(
        live.user_topic(user.pk),
        "notification.created",
        {"notification_id": notification.pk, "unread": unread},
    )
    return notification


def _schedule_email(notification_id: int, *, now: bool = False) -> None:
    from district.tasks import notification_email

    delay = timedelta(minutes=0 if now else settings.NOTIFICATION_EMAIL_DELAY_MINUTES)
    if delay:
        notification_email.using(run_after=timezone.now() + delay).enqueue(
            notification_id
        )
    else:
        notification_email.enqueue(notification_id)


@live.atomic
def notifications_mark_read(*, user: AbstractUser, ids: list[int] | None = None) -> int:
    """Mark some (or all) of the user's notifications read; the badge on their other tabs follows."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    count = unread.update(read_at=timezone.now())
    if count:
        forget_unread(user.pk)
    remaining = Notification.objects.filter(user=user, read_at__isnull=True).count()
    live.publish(live.user_topic(user.pk), "notification.read", {"unread": remaining})
    return count
