import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from district.models import Notification
from district.services import notification_create
from district.tasks import notification_email

pytestmark = pytest.mark.django_db


def test_unseen_notification_is_emailed_in_the_recipients_language(
    make_user, django_capture_on_commit_callbacks
):
    user = make_user(email="minh@example.org", display_name="Minh", language="vi")
    with django_capture_on_commit_callbacks(execute=True):
        notification_create(
            user=user,
            kind="reply",
            actor_name="민지",
            url="/forums/p/1/",
            params={"title": "주차"},
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["minh@example.org"]
    assert "민지" in message.body and "/forums/p/1/" in message.body
    with translation.override("vi"):
        read_it_here = gettext("Read it here:")
    assert read_it_here != "Read it here:"
    assert read_it_here in message.body


def test_read_or_opted_out_notifications_are_not_emailed(make_user):
    reader = make_user()
    note = notification_create(
        user=reader, kind="reply", actor_name="A", params={"title": "t"}
    )
    Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
    assert notification_email.call(note.pk) is False

    quiet = make_user()
    quiet.profile.email_notifications = False
    quiet.profile.save()
    note = notification_create(
        user=quiet, kind="reply", actor_name="A", params={"title": "t"}
    )
    assert notification_email.call(note.pk) is False
    assert mail.outbox == []


def test_email_is_sent_once(make_user):
    user = make_user()
    note = notification_create(
        user=user, kind="mention", actor_name="A", params={"title": "t"}
    )
    assert notification_email.call(note.pk) is True
    assert notification_email.call(note.pk) is False
    assert len(mail.outbox) == 1


def test_telling_forty_residents_costs_the_statements_of_telling_two(make_user):
    """An event called off tells everyone signed up inside its own transaction: no statement per resident."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from district import live
    from district.models import LiveEvent
    from district.services import notifications_create

    few, many = [make_user() for _ in range(2)], [make_user() for _ in range(40)]
    already = many[7]
    notification_create(user=already, kind="reply", params={"title": "earlier"})
    counts = []
    for users in (few, many):
        with CaptureQueriesContext(connection) as statements, live.atomic():
            notifications_create(
                users=[*users, users[0].pk],  # a resident named twice is told once
                kind="event_cancelled",
                url="/events/e/1/",
                params={"title": "요가", "reason": "강사 사정"},
            )
        counts.append(len(statements))
    assert counts[0] == counts[1]
    for user in few + many:
        note = Notification.objects.get(user=user, kind="event_cancelled")
        bell = LiveEvent.objects.get(
            topic=live.user_topic(user.pk),
            type="notification.created",
            data__notification_id=note.pk,
        )
        assert bell.data["unread"] == (2 if user == already else 1)


def test_each_resident_told_at_once_gets_their_own_email(
    make_user, django_capture_on_commit_callbacks
):
    from district import live
    from district.services import notifications_create

    residents = [make_user(email=f"r{i}@example.org", language="en") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True), live.atomic():
        notifications_create(
            users=residents,
            kind="event_reminder",
            url="/events/e/1/",
            params={"title": "요가", "when": "2026-12-01T10:00:00+09:00", "place": ""},
            email_now=True,
        )
    assert sorted(message.to[0] for message in mail.outbox) == [
        "r0@example.org",
        "r1@example.org",
        "r2@example.org",
    ]
