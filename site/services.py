"""Writes about accounts and notifications that touch several models."""

from collections.abc import Iterable
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction
from django.db.models import Count
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
    """Store a notification and ring the bell on the user's stream (`notifications_create` for one)."""
    return notifications_create(
        users=[user],
        kind=kind,
        actor_name=actor_name,
        url=url,
        params=params,
        email_now=email_now,
    )[0]


def notifications_create(
    *,
    users: Iterable[AbstractUser | int],
    kind: str,
    actor_name: str = "",
    url: str = "",
    params: dict | None = None,
    email_now: bool = False,
) -> list[Notification]:
    """Store the same notification for each of `users` (or their ids, told once each) and ring their bells.

    The statements do not grow with the number told: one INSERT (batches of a
    few hundred on SQLite), one count of each recipient's unread, and the
    bells in the transaction's outbox. An event called off tells everyone
    signed up, a draw everyone who entered, inside their own transaction; one
    statement per resident would hold it open for as long as the list is long.

    An e-mail follows each after NOTIFICATION_EMAIL_DELAY_MINUTES if it is
    still unread, or right after commit with `email_now` (reminders, which
    are about time).
    """
    user_ids = list(dict.fromkeys(getattr(user, "pk", user) for user in users))
    if not user_ids:
        return []  # nobody to tell: not even a savepoint
    with live.atomic():
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    user_id=user_id,
                    kind=kind,
                    actor_name=actor_name,
                    url=url,
                    params=params or {},
                )
                for user_id in user_ids
            ]
        )
        unread = dict(
            Notification.objects.filter(user_id__in=user_ids, read_at__isnull=True)
            .order_by()
            .values("user_id")
            .annotate(count=Count("pk"))
            .values_list("user_id", "count")
        )
        forget_unread(*user_ids)
        ids = [notification.pk for notification in notifications]
        transaction.on_commit(lambda: _schedule_emails(ids, now=email_now))
        for notification in notifications:
            live.publish(
                live.user_topic(notification.user_id),
                "notification.created",
                {
                    "notification_id": notification.pk,
                    "unread": unread.get(notification.user_id, 0),
                },
            )
        return notifications


def _schedule_emails(notification_ids: list[int], *, now: bool = False) -> None:
    from district.tasks import notification_email

    delay = timedelta(minutes=0 if now else settings.NOTIFICATION_EMAIL_DELAY_MINUTES)
    task = (
        notification_email.using(run_after=timezone.now() + delay)
        if delay
        else notification_email
    )
    with transaction.atomic():  # one commit for all of them
        for notification_id in notification_ids:
            task.enqueue(notification_id)


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
