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
