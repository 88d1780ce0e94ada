"""Registration day: the window by the server's clock, draws, season limits, organiser controls."""

import hashlib
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone, translation

from district.models import Notification
from events import services
from events.models import RSVP, BoardRegistrationPolicy, Draw, Occurrence, RSVPStatus
from events.services.draw import draw_order
from forums.models import Board
from tests.events.conftest import make_event, soon

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the site's default language is Korean)."""
    with translation.override("en"):
        yield


def windowed(leader, board, **fields):
    now = timezone.now()
    fields.setdefault("registration_opens_at", now + timedelta(hours=1))
    fields.setdefault("registration_closes_at", now + timedelta(days=2))
    event = make_event(leader, board, **fields)
    return event, event.occurrences.get()


def test_nobody_gets_a_place_before_the_opening_second_whatever_they_send(
    leader, board, make_user, client
):
    event, occurrence = windowed(leader, board, capacity=5)
    opens = event.registration_opens_at
    resident = make_user()
    with pytest.raises(ValidationError, match="Registration opens"):
        services.rsvp_set(
            user=resident,
            occurrence=occurrence,
            going=True,
            now=opens - timedelta(microseconds=1),
        )
    # Over HTTP too, with a hand-made POST (the button is disabled, the server decides).
    client.force_login(resident)
    client.post(reverse("events:rsvp", args=[occurrence.pk]), {"going": "1"})
    assert not RSVP.objects.filter(occurrence=occurrence).exists()
    rsvp = services.rsvp_set(
        user=resident, occurrence=occurrence, going=True, now=opens
    )
    assert rsvp.status == RSVPStatus.GOING


def test_sign_up_after_the_close_is_refused(leader, board, make_user):
    event, occurrence = windowed(leader, board, capacity=5)
    with pytest.raises(ValidationError, match="closed"):
        services.rsvp_set(
            user=make_user(),
            occurrence=occurrence,
            going=True,
            now=event.registration_closes_at,
        )


def test_page_shows_a_countdown_from_the_server_clock_and_a_disabled_button(
    leader, board, make_user, client
):
    event, _occurrence = windowed(leader, board, capacity=5)
    client.force_login(make_user())
    html = client.get(event.get_absolute_url()).content.decode()
    assert "data-countdown" in html and "data-server-now-ms" in html
    # To the millisecond: a countdown that dropped the fraction lit the button early.
    opens = event.registration_opens_at
    opens_ms = int(opens.timestamp()) * 1000 + opens.microsecond // 1000
    assert f'data-opens-at-ms="{opens_ms}"' in html
    assert "data-opens-button" in html and "disabled" in html
    assert "registration.js" in html
    assert 'name="idempotency_key"' in html


def test_organiser_opens_extends_and_closes_registration(leader, board, make_user):
    event, occurrence = windowed(leader, board, capacity=5)
    with pytest.raises(Exception):  # noqa: B017 - a resident may not
        services.registration_change(actor=make_user(), event=event, action="open")
    services.registration_change(actor=leader, event=event, action="open")
    occurrence = Occurrence.objects.select_related("event").get(pk=occurrence.pk)
    services.rsvp_set(user=make_user(), occurrence=occurrence, going=True)
    later = timezone.now() + timedelta(days=3)
    event = services.registration_change(
        actor=leader, event=event, action="extend", closes_at=later
    )
    assert event.registration_closes_at == later
    services.registration_change(actor=leader, event=event, action="close")
    occurrence = Occurrence.objects.select_related("event").get(pk=occurrence.pk)
    with pytest.raises(ValidationError, match="closed"):
        services.rsvp_set(user=make_user(), occurrence=occurrence, going=True)


def test_fast_path_fills_exactly_then_waitlists_in_order(leader, board, make_user):
    occurrence = make_event(leader, board, capacity=3).occurrences.get()
    users = [make_user() for _ in range(5)]
    statuses = [
        services.rsvp_set(user=u, occurrence=occurrence, going=True, guests=g).status
        for u, g in zip(users, (0, 1, 0, 0, 0), strict=True)
    ]
    assert statuses == ["going", "going", "waitlisted", "waitlisted", "waitlisted"]
    occurrence.refresh_from_db()
    assert (occurrence.going_count, occurrence.waitlist_count) == (3, 3)
    services.rsvp_set(user=users[0], occurrence=occurrence, going=False)
    assert RSVP.objects.get(user=users[2]).status == RSVPStatus.GOING


def test_draw_is_reproducible_and_published(
    leader, board, make_user, client, django_capture_on_commit_callbacks
):
    now = timezone.now()
    event, occurrence = windowed(
        leader,
        board,
        capacity=3,
        allocation="draw",
        registration_opens_at=now - timedelta(hours=1),
        registration_closes_at=now + timedelta(hours=1),
    )
    residents = [make_user() for _ in range(6)]
    tokens = {}
    for resident in residents:
        rsvp = services.rsvp_set(user=resident, occurrence=occurrence, going=True)
        assert rsvp.status == RSVPStatus.ENTERED and len(rsvp.entry_token) == 16
        tokens[rsvp.entry_token] = resident
    occurrence.refresh_from_db()
    assert occurrence.going_count == 0  # nobody is placed before the draw
    with pytest.raises(ValidationError):
        services.draw_run(occurrence=occurrence, actor=leader)  # not closed yet
    after = event.registration_closes_at
    with django_capture_on_commit_callbacks(execute=True) as told:
        draw = services.draw_run(occurrence=occurrence, now=after, seed="seed-42")
        # Nobody is told before the draw commits (the notices wait for it).
        assert not Notification.objects.filter(kind__startswith="rsvp_draw").exists()
    assert told
    order = draw_order(tokens, "seed-42")
    assert draw.token_list() == order
    assert draw.sha256 == hashlib.sha256("\n".join(order).encode()).hexdigest()
    placed = [tokens[t].pk for t in order[:3]]
    going = set(
        RSVP.objects.filter(occurrence=occurrence, status="going").values_list(
            "user_id", flat=True
        )
    )
    assert going == set(placed)
    waiting = RSVP.objects.filter(occurrence=occurrence, status="waitlisted").order_by(
        "waitlisted_at", "id"
    )
    assert [r.entry_token for r in waiting] == order[3:]
    drawn = Notification.objects.filter(kind="rsvp_drawn").values_list(
        "user_id", flat=True
    )
    assert set(drawn) == set(placed)
    assert Notification.objects.filter(kind="rsvp_draw_waitlisted").count() == 3
    assert services.draw_run(occurrence=occurrence, now=after).pk == draw.pk  # once
    # Published on the page: seed, hash and the tokens; each resident sees their own token.
    client.force_login(tokens[order[0]])
    html = client.get(event.get_absolute_url()).content.decode()
    assert draw.seed in html and draw.sha256 in html and order[-1] in html
    assert "verify_draw" in html


def test_verify_draw_command_reruns_a_published_draw(tmp_path, capsys):
    tokens = ["b" * 16, "a" * 16, "c" * 16, "d" * 16]
    order = draw_order(tokens, "abc")
    path = tmp_path / "tokens.txt"
    path.write_text("\n".join(tokens))
    digest = hashlib.sha256("\n".join(order).encode()).hexdigest()
    call_command("verify_draw", "abc", str(path), "--sha256", digest)
    out = capsys.readouterr().out
    assert "matches the published draw" in out and out.index(order[0]) < out.index(
        order[1]
    )


def test_season_limit_is_refused_with_a_message_naming_the_limit(
    leader, board, make_user
):
    BoardRegistrationPolicy.objects.create(
        board=board, max_programmes=2, season_months=3
    )
    start = soon(days=1)
    events = [
        make_event(leader, board, capacity=10, starts_at=start + timedelta(hours=i))
        for i in range(3)
    ]
    resident = make_user()
    for event in events[:2]:
        services.rsvp_set(user=resident, occurrence=event.occurrences.get(), going=True)
    with pytest.raises(ValidationError) as refused:
        services.rsvp_set(
            user=resident, occurrence=events[2].occurrences.get(), going=True
        )
    message = refused.value.messages[0]
    assert "at most 2 programmes" in message and board.dong.title in message
    # Another resident is not limited by the first one's sign-ups.
    services.rsvp_set(
        user=make_user(), occurrence=events[2].occurrences.get(), going=True
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_after_a_draw_winners_and_waiting_residents_cancel_at_once_without_deadlock(
    district, make_user, settings
):
    """A winner's cancellation moves waiting residents up while they cancel themselves."""
    settings.EVENTS_RSVP_LOCK_TIMEOUT_SECONDS = 120
    board = Board.objects.select_related("dong").get(slug="yeoksam-1")
    leader = make_user(groups=[board.dong.leaders_group])
    now = timezone.now()
    event, occurrence = windowed(
        leader,
        board,
        capacity=10,
        allocation="draw",
        registration_opens_at=now - timedelta(hours=1),
        registration_closes_at=now + timedelta(hours=1),
    )
    residents = [make_user() for _ in range(30)]
    for resident in residents:
        services.rsvp_set(user=resident, occurrence=occurrence, going=True)
    services.draw_run(occurrence=occurrence, now=event.registration_closes_at)
    errors = []
    barrier = threading.Barrier(len(residents))

    def cancel(resident):
        try:
            barrier.wait(timeout=60)
            services.rsvp_set(user=resident, occurrence=occurrence, going=False)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=cancel, args=(r,)) for r in residents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    occurrence.refresh_from_db()
    assert (occurrence.going_count, occurrence.waitlist_count) == (0, 0)
    assert set(occurrence.rsvps.values_list("status", flat=True)) == {
        RSVPStatus.CANCELLED
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rush_at_the_opening_second_gives_exactly_the_places(district, make_user):
    board = Board.objects.select_related("dong").get(slug="yeoksam-1")
    leader = make_user(groups=[board.dong.leaders_group])
    _event, occurrence = windowed(
        leader,
        board,
        capacity=30,
        registration_opens_at=timezone.now() - timedelta(seconds=1),
    )
    users = [make_user() for _ in range(80)]
    barrier = threading.Barrier(len(users))
    errors = []

    def press(user, guests):
        try:
            barrier.wait(timeout=60)
            services.rsvp_set(
                user=user, occurrence=occurrence, going=True, guests=guests
            )
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=press, args=(u, i % 2)) for i, u in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    occurrence.refresh_from_db()
    going = RSVP.objects.filter(occurrence=occurrence, status="going")
    seats = sum(r.seats for r in going)
    assert seats == occurrence.going_count <= 30
    assert occurrence.going_count >= 29  # a party of 2 may not fit the last place
    assert (
        RSVP.objects.filter(occurrence=occurrence, status="waitlisted").count()
        == occurrence.waitlist_count
        == 80 - going.count()
    )
    assert not Draw.objects.exists()


def test_organiser_tools_over_http_open_then_close_and_run_the_draw(
    leader, board, make_user, client
):
    now = timezone.now()
    event, occurrence = windowed(
        leader,
        board,
        capacity=2,
        allocation="draw",
        registration_opens_at=now + timedelta(hours=1),
        registration_closes_at=now + timedelta(hours=2),
    )
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Open registration now" in html
    client.post(reverse("events:registration", args=[event.pk]), {"action": "open"})
    event.refresh_from_db()
    assert event.registration_state() == "open"
    resident = make_user()
    occurrence = Occurrence.objects.select_related("event").get(pk=occurrence.pk)
    services.rsvp_set(user=resident, occurrence=occurrence, going=True)
    client.post(reverse("events:registration", args=[event.pk]), {"action": "close"})
    client.post(reverse("events:draw", args=[occurrence.pk]))
    draw = Draw.objects.get(occurrence=occurrence)
    assert draw.entries == 1
    assert RSVP.objects.get(user=resident).status == RSVPStatus.GOING
    # A resident cannot run a draw or change registration.
    other = make_user()
    client.force_login(other)
    answer = client.post(
        reverse("events:registration", args=[event.pk]), {"action": "open"}
    )
    assert answer.status_code == 403
