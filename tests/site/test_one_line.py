"""One-line fields refuse control characters; e-mail subjects and calendars never break on stored text."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from district.models import Notification
from district.tasks import notification_email
from district.validators import one_line, validate_one_line
from events import services as events
from events.forms import EventForm
from events.models import Event
from forums import services as forums
from forums.forms import ThreadForm
from forums.models import Board

BAD = [
    "모임\n안내",
    "모임\r\nBcc: x@example.org",
    "a\x00b",
    "\x1b[2J모임",
    "a\u2028b",
    "\u202e모임",
]


@pytest.fixture
def board(district):
    return Board.objects.select_related("dong").get(slug="yeoksam-1")


@pytest.fixture
def leader(make_user, board):
    return make_user(groups=[board.dong.leaders_group])


def _start():
    return (timezone.localtime() + timedelta(days=7)).replace(hour=14, minute=0)


@pytest.mark.parametrize("value", BAD)
def test_validator_refuses_line_breaks_and_control_characters(value):
    with pytest.raises(ValidationError):
        validate_one_line(value)


def test_validator_accepts_ordinary_titles():
    validate_one_line("김 John의 “차 모임” — 3층 (무료)")


@pytest.mark.parametrize("value", BAD)
def test_event_with_a_line_break_in_its_title_is_refused(leader, board, value):
    before = Event.objects.count()
    with pytest.raises(ValidationError) as refused:
        events.event_create(
            organiser=leader,
            board=board,
            title=value,
            description="",
            starts_at=_start(),
            ends_at=_start() + timedelta(hours=2),
        )
    assert "title" in refused.value.message_dict
    assert Event.objects.count() == before


def test_event_place_with_a_line_break_is_refused(leader, board):
    with pytest.raises(ValidationError) as refused:
        events.event_create(
            organiser=leader,
            board=board,
            title="차 모임",
            description="",
            starts_at=_start(),
            ends_at=_start() + timedelta(hours=2),
            location_name="주민센터\n3층",
        )
    assert "location_name" in refused.value.message_dict


def test_event_form_shows_the_one_line_message_on_the_title(settings):
    settings.LANGUAGE_CODE = "en"
    form = EventForm(data={"title": "모임\n안내"})
    assert not form.is_valid()
    assert "one line" in " ".join(form.errors["title"])


def test_thread_title_with_an_escape_sequence_is_refused(leader, board):
    form = ThreadForm(data={"title": "\x1b[2J공지", "body": "본문입니다"})
    assert not form.is_valid() and "title" in form.errors
    with pytest.raises(ValidationError) as refused:
        forums.thread_create(
            author=leader, board=board, title="\x1b[2J공지", body="본문입니다"
        )
    assert "title" in refused.value.message_dict


def test_board_name_with_a_line_break_fails_full_clean(board):
    board.name = "역삼1동\n게시판"
    with pytest.raises(ValidationError) as refused:
        board.full_clean()
    assert "name" in refused.value.message_dict


def test_ics_of_an_event_stored_with_a_line_break_still_answers(client, leader, board):
    event = events.event_create(
        organiser=leader,
        board=board,
        title="차 모임",
        description="",
        starts_at=_start(),
        ends_at=_start() + timedelta(hours=2),
    )
    # Rows written before the validator existed, or without full_clean.
    Event.objects.filter(pk=event.pk).update(
        title="차 모임\r\nX-INJECTED:1", location_name="3층\n강당"
    )
    response = client.get(f"/events/e/{event.pk}.ics")
    assert response.status_code == 200
    body = response.content.decode()
    assert "SUMMARY:차 모임 X-INJECTED:1" in body
    assert "\nX-INJECTED" not in body
    feed = client.get(f"/events/{board.slug}.ics")
    assert feed.status_code == 200


def test_notification_email_subject_is_one_line_whatever_the_title(make_user):
    user = make_user(email="reader@example.org")
    notification = Notification.objects.create(
        user=user,
        kind="rsvp_promoted",
        params={"title": "차 모임\r\nBcc: victim@example.org"},
    )
    mail.outbox.clear()
    assert notification_email.call(notification.pk) is True
    subject = mail.outbox[-1].subject
    assert "\n" not in subject and "\r" not in subject
    assert "Bcc: victim@example.org" in subject  # shown as text, not a header


def test_one_line_collapses_and_shortens():
    assert one_line("a\n\tb\x00c  d") == "a b c d"
    assert one_line("가" * 300, max_length=10) == "가" * 9 + "…"
