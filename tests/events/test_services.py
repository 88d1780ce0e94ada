"""Event writes beyond sign-up: proposals and review, changes, cancelling one date, attendance, reminders."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone, translation

from district.models import LiveEvent, Notification
from events import services
from events.models import EventStatus, ReviewState, RSVPStatus
from events.services.reminders import occurrence_reminders
from tests.events.conftest import make_event, make_proposal, soon

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English here; other tests prove they are translated."""
    with translation.override("en"):
        yield


def messages_of(user, kind):
    return [n.message() for n in Notification.objects.filter(user=user, kind=kind)]


def test_a_residents_proposal_waits_and_the_dongs_leader_is_asked(
    board, leader, make_user
):
    proposer = make_user()
    event = make_proposal(proposer, board)
    assert event.review_state == ReviewState.PENDING
    assert event.thread is None and not board.threads.exists()
    with translation.override("en"):
        (asked,) = messages_of(leader, "event_proposed")
    assert "골목 벼룩시장" in asked and "review" in asked
    occurrence = event.occurrences.get()
    with pytest.raises(ValidationError, match="approval"):
        services.rsvp_set(user=make_user(), occurrence=occurrence, going=True)


def test_approving_publishes_with_a_thread_and_tells_the_proposer(
    board, leader, make_user
):
    proposer = make_user()
    event = make_proposal(proposer, board)
    services.event_review(reviewer=leader, event=event, approve=True)
    event.refresh_from_db()
    assert event.review_state == ReviewState.APPROVED and event.reviewed_by == leader
    assert event.thread.board == board and event.thread.author == proposer
    assert LiveEvent.objects.filter(topic=board.topic, type="event.created").exists()
    with translation.override("en"):
        assert "approved" in messages_of(proposer, "event_approved")[0]
    with pytest.raises(ValidationError, match="already been reviewed"):
        services.event_review(reviewer=leader, event=event, approve=False, note="x")


def test_declining_needs_a_reason_which_the_proposer_reads(board, leader, make_user):
    proposer = make_user()
    event = make_proposal(proposer, board)
    with pytest.raises(ValidationError) as error:
        services.event_review(reviewer=leader, event=event, approve=False, note=" ")
    assert "note" in error.value.message_dict
    services.event_review(
        reviewer=leader, event=event, approve=False, note="같은 날 주민총회가 있어요"
    )
    event.refresh_from_db()
    assert event.review_state == ReviewState.REJECTED
    assert "같은 날 주민총회가 있어요" in messages_of(proposer, "event_rejected")[0]


def test_only_the_boards_organisers_review(board, district, make_user):
    event = make_proposal(make_user(), board)
    for outsider in (make_user(), make_user(groups=[district[0].leaders_group])):
        with pytest.raises(PermissionDenied):
            services.event_review(reviewer=outsider, event=event, approve=True)


def test_an_organiser_proposing_simply_publishes(board, leader):
    event = make_proposal(leader, board)
    assert event.review_state == ReviewState.APPROVED and event.thread is not None


def test_capacity_cannot_go_below_the_people_going(board, leader, make_user):
    event = make_event(leader, board, capacity=5)
    occurrence = event.occurrences.get()
    for user in (make_user(), make_user()):
        services.rsvp_set(user=user, occurrence=occurrence, going=True, guests=1)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.event_update(actor=leader, event=event, capacity=3)
    assert "4 people are already going" in error.value.message_dict["capacity"][0]
    event.refresh_from_db()
    assert event.capacity == 5
    services.event_update(actor=leader, event=event, capacity=4)
    event.refresh_from_db()
    assert event.capacity == 4


def test_more_places_move_the_waiting_list_up_in_order(
    board, leader, make_user, django_capture_on_commit_callbacks
):
    event = make_event(leader, board, capacity=1)
    occurrence = event.occurrences.get()
    first, second, third = make_user(), make_user(), make_user()
    for user in (first, second, third):
        services.rsvp_set(user=user, occurrence=occurrence, going=True)
    with django_capture_on_commit_callbacks(execute=True):  # notices follow the commit
        services.event_update(actor=leader, event=event, capacity=2)
    assert second.rsvps.get().status == RSVPStatus.GOING
    assert third.rsvps.get().status == RSVPStatus.WAITLISTED
    assert messages_of(second, "rsvp_promoted") and not messages_of(
        third, "rsvp_promoted"
    )
    services.event_update(actor=leader, event=event, capacity=None)
    assert third.rsvps.get().status == RSVPStatus.GOING
    occurrence.refresh_from_db()
    assert (occurrence.going_count, occurrence.waitlist_count) == (3, 0)


def test_a_new_time_moves_every_date_with_its_sign_ups_and_tells_them(
    board, leader, make_user
):
    start = soon(hour=14)
    event = make_event(leader, board, starts_at=start, recurrence="FREQ=WEEKLY;COUNT=3")
    dates = list(event.occurrences.order_by("starts_at"))
    going, elsewhere = make_user(), make_user()
    services.rsvp_set(user=going, occurrence=dates[1], going=True)
    later = start + timedelta(days=1, hours=2)
    services.event_update(
        actor=leader, event=event, starts_at=later, ends_at=later + timedelta(hours=2)
    )
    moved = list(event.occurrences.order_by("starts_at"))
    assert [o.pk for o in moved] == [o.pk for o in dates]
    assert [o.starts_at for o in moved] == [
        later + timedelta(days=7 * n) for n in range(3)
    ]
    assert going.rsvps.get().occurrence_id == dates[1].pk
    with translation.override("en"):
        assert "time" in messages_of(going, "event_changed")[0]
    assert not messages_of(elsewhere, "event_changed")


def test_a_shorter_series_cancels_dates_people_signed_up_for_and_drops_empty_ones(
    board, leader, make_user
):
    event = make_event(leader, board, recurrence="FREQ=WEEKLY;COUNT=4")
    dates = list(event.occurrences.order_by("starts_at"))
    user = make_user()
    services.rsvp_set(user=user, occurrence=dates[3], going=True)
    services.event_update(actor=leader, event=event, recurrence="FREQ=WEEKLY;COUNT=2")
    remaining = list(event.occurrences.order_by("starts_at"))
    assert [o.pk for o in remaining] == [dates[0].pk, dates[1].pk, dates[3].pk]
    assert remaining[2].is_cancelled and not remaining[0].is_cancelled
    assert messages_of(user, "event_changed")


def test_bad_changes_are_refused_and_nothing_changes(board, leader):
    event = make_event(leader, board, capacity=10)
    before = (event.title, event.starts_at, event.ends_at, event.recurrence)
    for fields in (
        {"ends_at": event.starts_at - timedelta(hours=1)},
        {"recurrence": "FREQ=DAILY"},
        {"capacity": 0},
        {"title": " "},
    ):
        with pytest.raises(ValidationError):
            services.event_update(actor=leader, event=event, **fields)
    event.refresh_from_db()
    assert (event.title, event.starts_at, event.ends_at, event.recurrence) == before
    assert event.occurrences.count() == 1


def test_cancelling_one_date_tells_only_its_people(board, leader, make_user):
    event = make_event(leader, board, recurrence="FREQ=WEEKLY;COUNT=3")
    first, second = event.occurrences.order_by("starts_at")[:2]
    a, b = make_user(), make_user()
    services.rsvp_set(user=a, occurrence=first, going=True)
    services.rsvp_set(user=b, occurrence=second, going=True)
    with pytest.raises(ValidationError):
        services.occurrence_cancel(actor=leader, occurrence=first, reason="")
    services.occurrence_cancel(actor=leader, occurrence=first, reason="정전")
    first.refresh_from_db()
    assert first.is_cancelled
    assert "정전" in messages_of(a, "occurrence_cancelled")[0]
    assert not messages_of(b, "occurrence_cancelled")
    with pytest.raises(ValidationError, match="cancelled"):
        services.rsvp_set(user=b, occurrence=first, going=True)


def test_attendance_is_recorded_after_the_start_and_completes_the_event(
    board, leader, make_user
):
    event = make_event(leader, board, starts_at=soon(days=1))
    occurrence = event.occurrences.get()
    came, stayed_home = make_user(), make_user()
    rsvps = [
        services.rsvp_set(user=user, occurrence=occurrence, going=True)
        for user in (came, stayed_home)
    ]
    with pytest.raises(ValidationError, match="started"):
        services.attendance_record(
            actor=leader, occurrence=occurrence, attended=[rsvps[0].pk]
        )
    past = timezone.now() - timedelta(days=1)
    event.occurrences.update(starts_at=past - timedelta(hours=2), ends_at=past)
    with pytest.raises(PermissionDenied):
        services.attendance_record(
            actor=came, occurrence=occurrence, attended=[rsvps[0].pk]
        )
    assert (
        services.attendance_record(
            actor=leader, occurrence=occurrence, attended=[rsvps[0].pk]
        )
        == 1
    )
    assert [r.attended for r in occurrence.rsvps.order_by("pk")] == [True, False]
    event.refresh_from_db()
    assert event.status == EventStatus.COMPLETED


def test_cancelled_events_cannot_change_or_be_cancelled_twice(board, leader):
    event = make_event(leader, board)
    services.event_cancel(actor=leader, event=event, reason="우천")
    with pytest.raises(ValidationError):
        services.event_update(actor=leader, event=event, title="새 제목")
    with pytest.raises(ValidationError):
        services.event_cancel(actor=leader, event=event, reason="다시")


def test_the_day_before_everyone_going_is_reminded_once_in_their_language(
    board, leader, make_user, django_capture_on_commit_callbacks
):
    start = timezone.now() + timedelta(hours=20)
    occurrence = make_event(
        leader, board, starts_at=start, location_name="주민센터"
    ).occurrences.get()
    english = make_user(email="sam@example.org", language="en")
    quiet = make_user(email="quiet@example.org", language="ko")
    quiet.profile.email_notifications = False
    quiet.profile.save()
    services.rsvp_set(user=english, occurrence=occurrence, going=True)
    services.rsvp_set(user=quiet, occurrence=occurrence, going=True)
    waiting = make_user()
    occurrence.event.capacity = 2
    occurrence.event.save()
    services.rsvp_set(user=waiting, occurrence=occurrence, going=True)
    with django_capture_on_commit_callbacks(execute=True):
        sent = occurrence_reminders.call(
            occurrence.pk, occurrence.starts_at.isoformat()
        )
    assert sent == 2
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert "Reminder" in mail.outbox[0].subject + mail.outbox[0].body
    assert messages_of(quiet, "event_reminder") and not messages_of(
        waiting, "event_reminder"
    )
    assert (
        occurrence_reminders.call(occurrence.pk, occurrence.starts_at.isoformat()) == 0
    )


def test_no_reminder_for_a_moved_cancelled_or_distant_date(board, leader, make_user):
    near = make_event(
        leader, board, starts_at=timezone.now() + timedelta(hours=5)
    ).occurrences.get()
    far = make_event(leader, board, starts_at=soon(days=5)).occurrences.get()
    user = make_user()
    for occurrence in (near, far):
        services.rsvp_set(user=user, occurrence=occurrence, going=True)
    moved_from = (near.starts_at - timedelta(hours=1)).isoformat()
    assert occurrence_reminders.call(near.pk, moved_from) == 0
    assert occurrence_reminders.call(far.pk, far.starts_at.isoformat()) == 0
    services.event_cancel(actor=leader, event=near.event, reason="취소")
    assert occurrence_reminders.call(near.pk, near.starts_at.isoformat()) == 0
    assert not Notification.objects.filter(kind="event_reminder").exists()


@override_settings(
    TASKS={
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "email"],
        }
    }
)
def test_each_date_queues_its_reminder_a_day_ahead_in_the_worker(
    board, leader, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        event = make_event(leader, board, recurrence="FREQ=WEEKLY;COUNT=3")
    queued = DBTaskResult.objects.filter(task_path__endswith="occurrence_reminders")
    expected = {
        o.starts_at - timedelta(days=1) for o in event.occurrences.order_by("starts_at")
    }
    assert {row.run_after for row in queued} == expected


def test_a_calendar_address_is_kept_until_renewed(make_user):
    user = make_user()
    feed = services.calendar_feed_for(user=user)
    assert services.calendar_feed_for(user=user).token == feed.token
    renewed = services.calendar_feed_for(user=user, renew=True)
    assert renewed.token != feed.token and len(renewed.token) == 43


def test_moving_a_series_a_week_later_keeps_a_cancelled_date_cancelled(
    board, leader, make_user
):
    start = soon(hour=14)
    event = make_event(leader, board, starts_at=start, recurrence="FREQ=WEEKLY;COUNT=3")
    first, second, third = event.occurrences.order_by("starts_at")
    services.occurrence_cancel(actor=leader, occurrence=second, reason="휴관")
    later = start + timedelta(days=7)
    services.event_update(
        actor=leader, event=event, starts_at=later, ends_at=later + timedelta(hours=2)
    )
    dates = list(event.occurrences.order_by("starts_at"))
    assert [o.pk for o in dates] == [first.pk, second.pk, third.pk]
    assert [o.starts_at for o in dates] == [
        later + timedelta(days=7 * n) for n in range(3)
    ]
    assert [o.is_cancelled for o in dates] == [False, True, False]
