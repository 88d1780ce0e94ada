"""Appeals against moderators' actions (issue #15): once, within 14 days, decided by someone else.

The permission matrix: who may act on an association's board, and who may
decide an appeal against an action there (never the moderator who acted;
leaders only for their own association; district staff everywhere).
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from district.models import Notification
from district.moderation import policy
from district.moderation import services as moderation
from district.moderation.models import Appeal
from forums import services
from forums.models import ModerationAction, ReactionKind

ROLES = ["resident", "other_leader", "own_leader", "acting_moderator", "staff"]


@pytest.fixture
def people(old_user, board, other_board, leader, staff, neighbour):
    return {
        "resident": neighbour,
        "other_leader": old_user(
            display_name="세곡회장", groups=[other_board.dong.leaders_group]
        ),
        "own_leader": old_user(
            display_name="역삼부회장", groups=[board.dong.leaders_group]
        ),
        "acting_moderator": leader,
        "staff": staff,
    }


@pytest.fixture
def hidden(thread, leader):
    post = thread.posts.get()
    services.post_hide(
        moderator=leader,
        post=post,
        reason="Phone number of a neighbour",
        reason_code="personal_info",
    )
    return ModerationAction.objects.get(post=post, kind="hide")


@pytest.mark.parametrize(
    "role,allowed",
    list(zip(ROLES, [False, False, True, True, True])),
)
def test_who_may_act_on_an_association_board(people, thread, role, allowed):
    post = thread.posts.get()
    act = lambda: services.post_hide(
        moderator=people[role], post=post, reason="Spam link", reason_code="spam"
    )
    if allowed:
        act()
        post.refresh_from_db()
        assert post.is_hidden
    else:
        with pytest.raises(PermissionDenied):
            act()


@pytest.mark.parametrize(
    "role,allowed",
    list(zip(ROLES, [False, False, True, False, True])),
)
def test_who_may_decide_an_appeal(people, hidden, resident, role, allowed):
    appeal = moderation.appeal_create(
        appellant=resident,
        target=hidden,
        text="The number was the shop's, not a person's",
    )
    assert policy.can_decide_appeal(people[role], appeal) is allowed
    decide = lambda: moderation.appeal_decide(
        decider=people[role], appeal=appeal, outcome="upheld", reason="Checked"
    )
    if allowed:
        assert decide().outcome == "upheld"
    else:
        with pytest.raises(PermissionDenied):
            decide()


def test_action_needs_a_reason_code(thread, leader):
    with pytest.raises(ValidationError):
        services.post_hide(
            moderator=leader, post=thread.posts.get(), reason="x", reason_code="rude"
        )


def test_author_sees_reason_on_the_content_and_in_the_notification(
    client, hidden, resident, thread
):
    resident.profile.language = "en"
    resident.profile.save()
    note = Notification.objects.get(user=resident, kind="moderation")
    with translation.override("en"):
        assert "Personal information" in note.message()
        assert "Phone number of a neighbour" in note.message()
    assert note.url == reverse("moderation:appeal", args=["action", hidden.pk])
    client.force_login(resident)
    client.cookies["django_language"] = "en"
    page = client.get(thread.get_absolute_url()).text
    assert (
        "골목 주차가 어렵습니다." in page
    )  # their own hidden post, still theirs to see
    assert "Phone number of a neighbour" in page
    assert reverse("moderation:appeal", args=["action", hidden.pk]) in page
    # Anyone else does not see it.
    assert "골목 주차가 어렵습니다." not in Client().get(thread.get_absolute_url()).text


def test_appeal_through_the_page_once(client, hidden, resident, leader):
    client.force_login(resident)
    url = reverse("moderation:appeal", args=["action", hidden.pk])
    assert "Phone number of a neighbour" in client.get(url).text
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": "Please look again"}).status_code == 302
    assert Appeal.objects.filter(appellant=resident).count() == 1
    page = client.get(url).text
    assert "<form" not in page.split('id="appeal-title"')[1]  # no second appeal
    with pytest.raises(ValidationError):
        moderation.appeal_create(appellant=resident, target=hidden, text="Again")


def test_only_the_author_may_appeal(client, hidden, neighbour):
    with pytest.raises(PermissionDenied):
        moderation.appeal_create(appellant=neighbour, target=hidden, text="Me too")
    client.force_login(neighbour)
    url = reverse("moderation:appeal", args=["action", hidden.pk])
    assert client.get(url).status_code == 404


def test_appeal_window_is_14_days(hidden, resident, settings):
    # The log is append-only: move the clock instead of the action.
    later = timezone.now() + timedelta(days=settings.DONGNE_APPEAL_WINDOW_DAYS + 1)
    from unittest import mock

    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        pytest.raises(ValidationError),
    ):
        moderation.appeal_create(appellant=resident, target=hidden, text="Late")


def test_reversal_restores_the_post_and_tells_the_author(
    hidden, resident, staff, thread
):
    appeal = moderation.appeal_create(
        appellant=resident, target=hidden, text="Not personal"
    )
    with pytest.raises(ValidationError):
        moderation.appeal_decide(
            decider=staff, appeal=appeal, outcome="reversed", reason=""
        )
    moderation.appeal_decide(
        decider=staff,
        appeal=appeal,
        outcome="reversed",
        reason="It is the shop's number",
    )
    post = thread.posts.get()
    assert not post.is_hidden
    message = Notification.objects.filter(user=resident, kind="appeal_decided").get()
    assert "It is the shop's number" in message.message()
    with pytest.raises(ValidationError):
        moderation.appeal_decide(
            decider=staff, appeal=appeal, outcome="upheld", reason="x"
        )


def test_upheld_appeal_keeps_the_action(hidden, resident, staff, thread):
    appeal = moderation.appeal_create(appellant=resident, target=hidden, text="Please")
    moderation.appeal_decide(
        decider=staff, appeal=appeal, outcome="upheld", reason="Correct"
    )
    assert thread.posts.get().is_hidden


def test_association_appeal_reaches_other_leaders_and_district_staff(
    people, hidden, resident, leader
):
    moderation.appeal_create(appellant=resident, target=hidden, text="Please")
    told = set(
        Notification.objects.filter(kind="appeal_received").values_list(
            "user_id", flat=True
        )
    )
    assert people["own_leader"].pk in told
    assert people["staff"].pk in told
    assert leader.pk not in told  # the one who acted
    assert people["other_leader"].pk not in told


def test_appeals_queue_shows_age_and_overdue(client, hidden, resident, staff, settings):
    appeal = moderation.appeal_create(appellant=resident, target=hidden, text="Please")
    Appeal.objects.filter(pk=appeal.pk).update(
        created_at=timezone.now()
        - timedelta(days=settings.DONGNE_APPEAL_TARGET_DAYS + 2)
    )
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("moderation_appeals")).text
    assert "Overdue" in page
    assert client.get(reverse("moderation_appeal", args=[appeal.pk])).status_code == 200


def test_acting_moderator_cannot_decide_in_the_admin(client, hidden, resident, leader):
    appeal = moderation.appeal_create(appellant=resident, target=hidden, text="Please")
    client.force_login(leader)
    response = client.post(
        reverse("moderation_appeal", args=[appeal.pk]),
        {"outcome": "reversed", "reason": "fine"},
    )
    assert response.status_code in (302, 403)  # Wagtail turns a refusal into a redirect
    appeal.refresh_from_db()
    assert appeal.decided_at is None


def test_silenced_resident_cannot_reply_react_or_report(
    thread, neighbour, staff, no_rate_limit
):
    moderation.sanction_create(
        moderator=staff,
        user=neighbour,
        kind="silence",
        reason_code="abuse",
        text="Insults",
        days=1,
    )
    post = thread.posts.get()
    with pytest.raises(ValidationError):
        services.post_create(author=neighbour, thread=thread, body="또 왔어요 여러분")
    with pytest.raises(ValidationError):
        services.reaction_toggle(user=neighbour, post=post, kind=ReactionKind.LIKE)
    with pytest.raises(ValidationError):
        services.report_create(reporter=neighbour, post=post, reason="spam")


def test_author_of_a_locked_thread_reads_why_and_may_appeal(
    client, thread, resident, leader, staff
):
    services.thread_lock(
        moderator=leader,
        thread=thread,
        reason="Going in circles",
        reason_code="off_topic",
    )
    action = ModerationAction.objects.get(thread=thread, kind="lock")
    client.force_login(resident)
    client.cookies["django_language"] = "en"
    page = client.get(thread.get_absolute_url()).text
    assert "Going in circles" in page and "Off-topic" in page
    assert reverse("moderation:appeal", args=["action", action.pk]) in page
    appeal = moderation.appeal_create(
        appellant=resident, target=action, text="Not done yet"
    )
    assert appeal.association_id == thread.board.dong_id
    moderation.appeal_decide(
        decider=staff, appeal=appeal, outcome="reversed", reason="Fair"
    )
    thread.refresh_from_db()
    assert not thread.is_locked
