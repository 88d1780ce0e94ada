import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections
from django.utils import timezone, translation

from district.models import LiveEvent, Notification
from events import services
from events.models import RSVPStatus
from forums.models import Board
from tests.events.conftest import make_event, soon

pytestmark = pytest.mark.django_db


def test_event_comes_with_its_occurrences_and_discussion_thread(leader, board):
    event = make_event(
        leader, board, recurrence="FREQ=WEEKLY;COUNT=4", capacity=10, tags=["차모임"]
    )
    starts = list(event.occurrences.values_list("starts_at", flat=True))
    assert len(starts) == 4 and starts[1] - starts[0] == timedelta(days=7)
    assert event.thread.board == board and event.thread.title == event.title
    assert event.description_html == "<p>함께 <strong>차</strong>를 마셔요</p>\n"
    assert LiveEvent.objects.filter(topic=board.topic, type="event.created").exists()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"ends_at": soon() - timedelta(hours=1)}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"recurrence": "FREQ=WEEKLY"}, "recurrence"),
        ({"recurrence": "FREQ=SOMETIMES;COUNT=2"}, "recurrence"),
        ({"rsvp_deadline": soon(days=8)}, "rsvp_deadline"),
    ],
)
def test_bad_event_input_is_refused_and_nothing_is_saved(leader, board, fields, field):
    with pytest.raises(ValidationError) as error:
        make_event(leader, board, starts_at=soon(), **fields)
    assert field in error.value.message_dict
    assert not board.events.exists() and not board.threads.exists()


def test_only_leaders_facilitators_and_staff_organise(make_user, board, district):
    with pytest.raises(PermissionDenied):
        make_event(make_user(), board)
    with pytest.raises(PermissionDenied):
        make_event(make_user(groups=[district[0].leaders_group]), board)
    make_event(make_user(groups=[Group.objects.get(name="District staff")]), board)
    youth = Board.objects.get(slug="youth")
    make_event(
        make_user(groups=[Group.objects.get(name="Facilitators · Youth")]), youth
    )


def test_full_event_waitlists_and_a_cancellation_promotes_the_first_in_line(
    leader, board, make_user, django_capture_on_commit_callbacks
):
    occurrence = make_event(leader, board, capacity=2).occurrences.get()
    a, b, c, d = (make_user() for _ in range(4))
    assert (
        services.rsvp_set(user=a, occurrence=occurrence, going=True).status
        == RSVPStatus.GOING
    )
    assert (
        services.rsvp_set(user=b, occurrence=occurrence, going=True).status
        == RSVPStatus.GOING
    )
    assert (
        services.rsvp_set(user=c, occurrence=occurrence, going=True).status
        == RSVPStatus.WAITLISTED
    )
    assert (
        services.rsvp_set(user=d, occurrence=occurrence, going=True).status
        == RSVPStatus.WAITLISTED
    )
    with django_capture_on_commit_callbacks(
        execute=True
    ):  # the promotion notice follows the commit
        services.rsvp_set(user=a, occurrence=occurrence, going=False)
    occurrence.refresh_from_db()
    assert (occurrence.going_count, occurrence.waitlist_count) == (2, 1)
    assert (
        c.rsvps.get().status == RSVPStatus.GOING
        and d.rsvps.get().status == RSVPStatus.WAITLISTED
    )
    note = Notification.objects.get(user=c, kind="rsvp_promoted")
    with translation.override("en"):
        assert "you are now going" in note.message()
    # The counts reach the event's page after commit, as they then are.
    published = LiveEvent.objects.filter(
        topic=f"event:{occurrence.event_id}", type="rsvp.changed"
    ).latest("seq")
    assert (published.data["going"], published.data["waitlisted"]) == (2, 1)
    # The one moved up hears it on their own stream, so their open page changes too.
    assert (
        LiveEvent.objects.filter(topic=f"user:{c.pk}", type="rsvp.promoted").count()
        == 1
    )
    assert not LiveEvent.objects.filter(
        topic=f"user:{d.pk}", type="rsvp.promoted"
    ).exists()


def test_guests_count_against_capacity(leader, board, make_user):
    occurrence = make_event(leader, board, capacity=3).occurrences.get()
    a, b = make_user(), make_user()
    services.rsvp_set(user=a, occurrence=occurrence, going=True, guests=2)
    assert (
        services.rsvp_set(user=b, occurrence=occurrence, going=True).status
        == RSVPStatus.WAITLISTED
    )
    with pytest.raises(ValidationError):
        services.rsvp_set(user=a, occurrence=occurrence, going=True, guests=-1)
    with pytest.raises(ValidationError):
        services.rsvp_set(user=a, occurrence=occurrence, going=True, guests=4)
    services.rsvp_set(user=a, occurrence=occurrence, going=True, guests=1)
    assert b.rsvps.get().status == RSVPStatus.GOING


def test_rsvp_to_past_closed_or_cancelled_events_is_refused(leader, board, make_user):
    user = make_user()
    past = make_event(
        leader, board, starts_at=timezone.now() - timedelta(days=1)
    ).occurrences.get()
    closed = make_event(
        leader, board, rsvp_deadline=timezone.now() - timedelta(minutes=1)
    ).occurrences.get()
    cancelled_event = make_event(leader, board)
    services.event_cancel(actor=leader, event=cancelled_event, reason="우천")
    with translation.override("en"):
        for occurrence, message in (
            (past, "already started"),
            (closed, "has closed"),
            (cancelled_event.occurrences.get(), "cancelled"),
        ):
            with pytest.raises(ValidationError, match=message):
                services.rsvp_set(user=user, occurrence=occurrence, going=True)


def test_cancelling_an_event_tells_everyone_going_or_waiting(leader, board, make_user):
    event = make_event(leader, board, capacity=1)
    occurrence = event.occurrences.get()
    going, waiting = make_user(), make_user()
    make_user()  # someone not signed up, who must not be told
    services.rsvp_set(user=going, occurrence=occurrence, going=True)
    services.rsvp_set(user=waiting, occurrence=occurrence, going=True)
    with pytest.raises(ValidationError):
        services.event_cancel(actor=leader, event=event, reason=" ")
    services.event_cancel(actor=leader, event=event, reason="강사 사정")
    told = set(
        Notification.objects.filter(kind="event_cancelled").values_list(
            "user_id", flat=True
        )
    )
    assert told == {going.pk, waiting.pk}


def test_a_party_too_big_for_the_free_place_lets_smaller_ones_behind_it_through(
    leader, board, make_user
):
    occurrence = make_event(leader, board, capacity=3).occurrences.get()
    a, b, c, d = (make_user() for _ in range(4))
    services.rsvp_set(user=a, occurrence=occurrence, going=True)
    services.rsvp_set(user=b, occurrence=occurrence, going=True, guests=1)
    services.rsvp_set(user=c, occurrence=occurrence, going=True, guests=1)
    services.rsvp_set(user=d, occurrence=occurrence, going=True)
    assert {c.rsvps.get().status, d.rsvps.get().status} == {RSVPStatus.WAITLISTED}
    services.rsvp_set(user=a, occurrence=occurrence, going=False)
    assert c.rsvps.get().status == RSVPStatus.WAITLISTED
    assert d.rsvps.get().status == RSVPStatus.GOING
    services.rsvp_set(user=b, occurrence=occurrence, going=False)
    assert c.rsvps.get().status == RSVPStatus.GOING
    occurrence.refresh_from_db()
    assert (occurrence.going_count, occurrence.waitlist_count) == (3, 0)


def test_a_free_place_reaches_the_first_who_fits_however_far_down_the_list(
    leader, board, make_user
):
    """The waiting list is read in slices: the one who fits may be past the first."""
    occurrence = make_event(leader, board, capacity=4).occurrences.get()
    leaving = make_user()
    services.rsvp_set(user=leaving, occurrence=occurrence, going=True)
    services.rsvp_set(user=make_user(), occurrence=occurrence, going=True, guests=2)
    parties = [make_user() for _ in range(services.rsvp.PROMOTE_CHUNK + 3)]
    for party in parties:
        services.rsvp_set(user=party, occurrence=occurrence, going=True, guests=1)
    alone = make_user()
    services.rsvp_set(user=alone, occurrence=occurrence, going=True)
    services.rsvp_set(user=leaving, occurrence=occurrence, going=False)
    assert alone.rsvps.get().status == RSVPStatus.GOING
    assert {party.rsvps.get().status for party in parties} == {RSVPStatus.WAITLISTED}
    occurrence.refresh_from_db()
    assert (occurrence.going_count, occurrence.waitlist_count) == (4, len(parties))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rush_that_keeps_the_date_locked_answers_try_again(make_user, settings):
    settings.EVENTS_RSVP_LOCK_TIMEOUT_SECONDS = 0.3
    board = Board.objects.create(name="잠금", name_en="Lock", slug="lock-test")
    occurrence = make_event(make_user(is_superuser=True), board).occurrences.get()
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        from django.db import transaction

        from events.models import Occurrence

        try:
            with transaction.atomic():
                Occurrence.objects.select_for_update().get(pk=occurrence.pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            close_old_connections()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with (
            translation.override("en"),
            pytest.raises(services.Busy, match="try again"),
        ):
            services.rsvp_set(user=make_user(), occurrence=occurrence, going=True)
    finally:
        release.set()
        holder.join(timeout=10)
    services.rsvp_set(user=make_user(), occurrence=occurrence, going=True)
    occurrence.refresh_from_db()
    assert occurrence.going_count == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_200_residents_at_once_for_50_places_give_exactly_50_going(
    district, make_user, settings
):
    # Correctness under contention, on a CI machine of any speed: nobody gives up waiting.
    settings.EVENTS_RSVP_LOCK_TIMEOUT_SECONDS = 120
    board = Board.objects.select_related("dong").get(slug="yeoksam-1")
    leader = make_user(groups=[board.dong.leaders_group])
    occurrence = make_event(leader, board, capacity=50).occurrences.get()
    users = [make_user() for _ in range(200)]
    barrier = threading.Barrier(len(users))
    errors = []

    def press_going(user):
        try:
            barrier.wait(timeout=60)
            services.rsvp_set(user=user, occurrence=occurrence, going=True)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=press_going, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    occurrence.refresh_from_db()
    statuses = list(occurrence.rsvps.values_list("status", flat=True))
    assert len(statuses) == 200
    assert statuses.count(RSVPStatus.GOING) == 50 == occurrence.going_count
    assert statuses.count(RSVPStatus.WAITLISTED) == 150 == occurrence.waitlist_count
    # The counts were published after each commit, many at once: the event's and
    # the board's pages end on the true state.
    for topic in (occurrence.event.topic, board.topic):
        last = LiveEvent.objects.filter(topic=topic, type="rsvp.changed").latest("seq")
        assert (last.data["going"], last.data["waitlisted"]) == (50, 150)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cancellations_promoting_people_who_change_their_own_sign_up_never_deadlock(
    district, make_user, settings
):
    # A cancellation locks the date, then moves waiting residents up (their rows);
    # a waiting resident changing their party at the same moment must take the
    # same locks in the same order, or PostgreSQL kills one as a deadlock.
    settings.EVENTS_RSVP_LOCK_TIMEOUT_SECONDS = 120
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "rsvp": "100000/m"}
    board = Board.objects.select_related("dong").get(slug="yeoksam-1")
    leader = make_user(groups=[board.dong.leaders_group])
    occurrence = make_event(leader, board, capacity=10).occurrences.get()
    going = [make_user() for _ in range(10)]
    waiting = [make_user() for _ in range(20)]
    for user in going + waiting:
        services.rsvp_set(user=user, occurrence=occurrence, going=True)
    errors = []
    barrier = threading.Barrier(len(going) + len(waiting))

    def act(user, steps):
        try:
            barrier.wait(timeout=60)
            for going_, guests in steps:
                try:
                    services.rsvp_set(
                        user=user, occurrence=occurrence, going=going_, guests=guests
                    )
                except ValidationError:
                    pass  # moved up meanwhile, and no place for a guest: a fair answer
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            close_old_connections()

    plans = [(user, [(False, 0), (True, 0), (False, 0)]) for user in going] + [
        (user, [(True, 1), (True, 0), (True, 1), (True, 0)]) for user in waiting
    ]
    threads = [threading.Thread(target=act, args=plan) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    occurrence.refresh_from_db()
    rows = list(occurrence.rsvps.all())
    seats_going = sum(r.seats for r in rows if r.status == RSVPStatus.GOING)
    assert seats_going == occurrence.going_count <= 10
    assert (
        sum(r.status == RSVPStatus.WAITLISTED for r in rows)
        == occurrence.waitlist_count
    )
