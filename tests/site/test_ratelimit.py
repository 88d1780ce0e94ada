"""One limiter for residents' actions (district.ratelimit): per account, never global; replays do not count."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse
from django.utils import timezone

from district.ratelimit import RateLimited, Rule, parse, rate_limit, suspended
from events import services as events
from events.models import RSVPStatus
from forums import services as forums
from forums.models import Board, Report


@pytest.fixture
def board(district):
    return Board.objects.select_related("dong").get(slug="yeoksam-1")


@pytest.fixture
def old_user(make_user):
    def make(**kwargs):
        user = make_user(**kwargs)
        user.date_joined = timezone.now() - timedelta(days=30)
        user.save(update_fields=["date_joined"])
        return user

    return make


@pytest.fixture
def leader(old_user, board):
    return old_user(display_name="역삼회장", groups=[board.dong.leaders_group])


@pytest.fixture
def posts(leader, board, settings):
    """Eight posts by a moderator (exempt from posting limits)."""
    thread = forums.thread_create(
        author=leader, board=board, title="주차 문제", body="골목 주차가 어렵습니다."
    )
    made = [thread.posts.get()]
    for n in range(7):
        made.append(forums.post_create(author=leader, thread=thread, body=f"의견 {n}"))
    return made


def test_rules_parse_counts_and_periods():
    assert parse("6/m,20/d") == [Rule(6, 60), Rule(20, 86400)]
    assert parse("5/10m") == [Rule(5, 600)]
    with pytest.raises(ImproperlyConfigured):
        parse("six a minute")


def test_seventh_report_in_a_minute_is_refused_with_the_message(posts, old_user):
    reporter = old_user()
    for post in posts[:6]:
        forums.report_create(reporter=reporter, post=post, reason="spam")
    with pytest.raises(RateLimited) as refused:
        forums.report_create(reporter=reporter, post=posts[6], reason="spam")
    assert refused.value.retry_after <= 60
    assert refused.value.code == "rate_limited" and refused.value.messages[0]
    assert Report.objects.filter(reporter=reporter).count() == 6


def test_fifty_residents_reporting_once_each_are_all_accepted(
    posts, old_user, settings
):
    settings.FORUMS_REPORTS_TO_HIDE = 1000
    for n in range(50):
        forums.report_create(reporter=old_user(), post=posts[0], reason="spam")
    assert Report.objects.filter(post=posts[0]).count() == 50


def test_a_refused_duplicate_report_does_not_use_up_the_limit(posts, old_user):
    reporter = old_user()
    forums.report_create(reporter=reporter, post=posts[0], reason="spam")
    for _ in range(10):
        with pytest.raises(ValidationError) as refused:
            forums.report_create(reporter=reporter, post=posts[0], reason="spam")
        assert not isinstance(refused.value, RateLimited)
    for post in posts[1:6]:
        forums.report_create(reporter=reporter, post=post, reason="spam")


def test_reactions_are_limited_per_account(posts, old_user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "reaction": "4/m"}
    fan, other = old_user(), old_user()
    for _ in range(4):
        forums.reaction_toggle(user=fan, post=posts[0], kind="like")
    with pytest.raises(RateLimited):
        forums.reaction_toggle(user=fan, post=posts[0], kind="like")
    forums.reaction_toggle(user=other, post=posts[0], kind="like")


def test_json_client_gets_429_with_retry_after_and_message_in_its_language(
    client, posts, old_user, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "reaction": "2/m"}
    client.force_login(old_user(language="en"))
    client.cookies["django_language"] = "en"
    url = reverse("forums:post_react", args=[posts[0].pk])
    for _ in range(2):
        ok = client.post(url, {"kind": "like"}, HTTP_ACCEPT="application/json")
        assert ok.status_code == 200
    refused = client.post(url, {"kind": "like"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert body["retry_after"] == int(refused["Retry-After"])
    assert "You are doing this too often" in body["errors"]["__all__"][0]


def test_browser_report_form_shows_the_limit_and_keeps_the_note(
    client, posts, old_user, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "1/m"}
    client.force_login(old_user(language="en"))
    client.cookies["django_language"] = "en"
    accept = "text/html,application/xhtml+xml"
    first = client.post(
        reverse("forums:post_report", args=[posts[0].pk]),
        {"reason": "spam"},
        HTTP_ACCEPT=accept,
    )
    assert first.status_code == 302
    second = client.post(
        reverse("forums:post_report", args=[posts[1].pk]),
        {"reason": "other", "note": "광고 글입니다"},
        HTTP_ACCEPT=accept,
    )
    assert second.status_code == 400
    assert "You are doing this too often" in second.text
    assert "광고 글입니다" in second.text


def test_browser_reaction_over_the_limit_gets_a_message_and_goes_back(
    client, posts, old_user, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "reaction": "1/m"}
    client.force_login(old_user(language="en"))
    client.cookies["django_language"] = "en"
    url = reverse("forums:post_react", args=[posts[0].pk])
    page = posts[0].thread.get_absolute_url()
    client.post(url, {"kind": "like"}, HTTP_ACCEPT="text/html", HTTP_REFERER=page)
    refused = client.post(
        url, {"kind": "like"}, HTTP_ACCEPT="text/html", HTTP_REFERER=page, follow=True
    )
    assert refused.redirect_chain[0] == (page, 302)
    assert "You are doing this too often" in refused.text


@pytest.fixture
def occurrence(leader, board):
    start = (timezone.localtime() + timedelta(days=7)).replace(hour=14, minute=0)
    event = events.event_create(
        organiser=leader,
        board=board,
        title="어르신 차 모임",
        description="함께 차를 마셔요",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    return event.occurrences.get()


def test_repeating_the_same_rsvp_does_not_count_but_toggling_does(
    occurrence, old_user, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "rsvp": "3/m"}
    resident = old_user()
    for _ in range(20):  # a double click, a retry: the same answer again
        rsvp = events.rsvp_set(user=resident, occurrence=occurrence, going=True)
    assert rsvp.status == RSVPStatus.GOING
    events.rsvp_set(user=resident, occurrence=occurrence, going=False)
    events.rsvp_set(user=resident, occurrence=occurrence, going=True)
    with pytest.raises(RateLimited):
        events.rsvp_set(user=resident, occurrence=occurrence, going=False)
    occurrence.refresh_from_db()
    assert occurrence.going_count == 1


def test_a_registration_rush_of_many_residents_is_not_throttled(occurrence, old_user):
    for _ in range(40):
        events.rsvp_set(user=old_user(), occurrence=occurrence, going=True)
    occurrence.refresh_from_db()
    assert occurrence.going_count == 40


def test_event_proposals_are_limited_and_organisers_told_only_for_accepted_ones(
    board, old_user, leader
):
    from district.models import Notification

    proposer = old_user()
    start = (timezone.localtime() + timedelta(days=7)).replace(hour=14, minute=0)

    def propose(n):
        return events.event_propose(
            proposer=proposer,
            board=board,
            title=f"벼룩시장 {n}",
            description="물건을 나눠요",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )

    for n in range(3):
        propose(n)
    with pytest.raises(RateLimited):
        propose(3)
    assert Notification.objects.filter(user=leader, kind="event_proposed").count() == 3


def test_anonymous_requests_count_per_address(rf, settings):
    from django.contrib.auth.models import AnonymousUser

    settings.RATE_LIMITS = {"lookup": "2/m"}
    here, there = (
        rf.get("/", REMOTE_ADDR="10.0.0.1"),
        rf.get("/", REMOTE_ADDR="10.0.0.2"),
    )
    for _ in range(2):
        rate_limit("lookup", user=AnonymousUser(), request=here)
    with pytest.raises(RateLimited):
        rate_limit("lookup", user=AnonymousUser(), request=here)
    rate_limit("lookup", user=AnonymousUser(), request=there)


def test_seeding_runs_without_limits(settings, make_user):
    settings.RATE_LIMITS = {"lookup": "1/m"}
    user = make_user()
    with suspended():
        for _ in range(5):
            rate_limit("lookup", user=user)
    with pytest.raises(RateLimited):
        rate_limit("lookup", user=user)
        rate_limit("lookup", user=user)


def test_post_edits_are_limited_but_saving_the_same_text_does_not_count(
    board, old_user, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "edit": "3/m"}
    author = old_user()
    thread = forums.thread_create(
        author=author, board=board, title="주차 문제", body="골목 주차가 어렵습니다."
    )
    post = thread.posts.get()
    for n in range(3):
        post = forums.post_edit(editor=author, post=post, body=f"고친 글 {n}")
    for _ in range(5):
        forums.post_edit(editor=author, post=post, body="고친 글 2")
    with pytest.raises(RateLimited):
        forums.post_edit(editor=author, post=post, body="또 고친 글")


def test_the_wait_named_is_what_is_left_of_the_window_and_it_reopens(rf, settings):
    """Two rules at once: each refusal names its own rule's wait; a short window opens again when it ends."""
    import time

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "probe": "2/2s,4/h"}
    request = rf.post("/", REMOTE_ADDR="203.0.113.9")
    for _ in range(2):
        rate_limit("probe", request=request)
    with pytest.raises(RateLimited) as refused:  # the 3rd in 2 s (and of the hour)
        rate_limit("probe", request=request)
    assert 1 <= refused.value.retry_after <= 2
    time.sleep(2.1)
    # The short window reopened: the 4th of the hour.
    rate_limit("probe", request=request)
    with pytest.raises(RateLimited) as refused:  # the 5th of the hour
        rate_limit("probe", request=request)
    assert 3590 <= refused.value.retry_after <= 3600


def test_every_server_process_counts_in_the_same_place():
    """Two processes (two server workers) build the same counter key, so a limit is not multiplied by the workers."""
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from district import ratelimit; "
        "print(ratelimit._epoch)"
    )
    epochs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    assert len(epochs) == 1 and epochs != {""}
