"""Sanctions with durations (issue #15): warning → silenced for 1, 7 or 30 days → suspended; they lapse by themselves."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from district.models import Notification
from district.moderation import policy, services
from district.moderation.models import Appeal, Sanction
from forums import services as forum_services
from forums.models import Board
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def staff(make_user):
    return make_user(
        display_name="구청담당", groups=[Group.objects.get(name="District staff")]
    )


@pytest.fixture
def other_staff(make_user):
    return make_user(
        display_name="구청담당2", groups=[Group.objects.get(name="District staff")]
    )


@pytest.fixture
def resident(make_user):
    user = make_user(display_name="민지", language="en")
    user.date_joined = timezone.now() - timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


@pytest.fixture
def board(district):
    return Board.objects.select_related("dong").get(slug="yeoksam-1")


def silence(staff, user, days=7, **kw):
    return services.sanction_create(
        moderator=staff,
        user=user,
        kind="silence",
        reason_code=kw.get("reason_code", "abuse"),
        text=kw.get("text", "Insults in three threads"),
        days=days,
    )


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_silenced_resident_cannot_post_and_is_told_until_when_and_why(
    staff, resident, board, settings
):
    sanction = silence(staff, resident)
    with pytest.raises(ValidationError) as error:
        forum_services.thread_create(
            author=fresh(resident),
            board=board,
            title="다시 왔어요",
            body="안녕하세요 여러분",
        )
    message = error.value.messages[0]
    assert "Insults in three threads" in message
    assert str(timezone.localtime(sanction.ends_at).year) in message
    assert isinstance(error.value, policy.Silenced)
    note = Notification.objects.get(user=resident, kind="sanction")
    assert "Insults in three threads" in note.message()
    assert sanction.ends_at - sanction.starts_at == timedelta(days=7)


def test_silenced_resident_sees_the_banner_with_the_end_date(
    client, staff, resident, district
):
    silence(staff, resident, days=1)
    client.force_login(resident)
    client.cookies["django_language"] = "en"
    page = client.get("/").text
    assert 'id="sanction-notice"' in page
    assert "Insults in three threads" in page
    assert "until" in page


def test_silence_lapses_by_itself(staff, resident, board):
    sanction = silence(staff, resident, days=1)
    assert not policy.can_participate(fresh(resident))
    assert services.sanctions_lapse(now=sanction.ends_at + timedelta(seconds=1)) == 1
    sanction.refresh_from_db()
    assert sanction.ended_at == sanction.ends_at
    assert policy.can_participate(fresh(resident))
    forum_services.thread_create(
        author=fresh(resident), board=board, title="돌아왔어요", body="다시 잘 부탁해요"
    )
    assert Notification.objects.filter(user=resident, kind="sanction_ended").exists()


@pytest.mark.parametrize("days", [2, 0, None, 365])
def test_silence_lasts_1_7_or_30_days_only(staff, resident, days):
    with pytest.raises(ValidationError):
        silence(staff, resident, days=days)


def test_warning_restricts_nothing(staff, resident):
    services.sanction_create(
        moderator=staff,
        user=resident,
        kind="warning",
        reason_code="off_topic",
        text="Please stay on topic",
    )
    assert policy.can_participate(fresh(resident))
    assert Notification.objects.get(user=resident, kind="sanction")


def test_suspension_blocks_sign_in_and_lapses(client, staff, resident):
    sanction = services.sanction_create(
        moderator=staff,
        user=resident,
        kind="suspend",
        reason_code="illegal",
        text="Threats",
        days=7,
    )
    resident.refresh_from_db()
    assert not resident.is_active
    assert "Threats" in policy.suspension_message(resident)
    assert not client.login(username=resident.username, password=TEST_PASSWORD)
    services.sanctions_lapse(now=sanction.ends_at + timedelta(minutes=1))
    resident.refresh_from_db()
    assert resident.is_active
    assert client.login(username=resident.username, password=TEST_PASSWORD)


def test_a_closed_account_stays_closed_when_its_suspension_lapses(staff, resident):
    sanction = services.sanction_create(
        moderator=staff,
        user=resident,
        kind="suspend",
        reason_code="abuse",
        text="Insults",
        days=7,
    )
    resident.profile.closed_at = (
        timezone.now()
    )  # the resident closed the account meanwhile
    resident.profile.save(update_fields=["closed_at"])
    services.sanctions_lapse(now=sanction.ends_at + timedelta(minutes=1))
    resident.refresh_from_db()
    assert not resident.is_active


def test_lifting_one_suspension_keeps_another_in_force(staff, resident):
    first = services.sanction_create(
        moderator=staff,
        user=resident,
        kind="suspend",
        reason_code="spam",
        text="a",
        days=7,
    )
    services.sanction_create(
        moderator=staff,
        user=resident,
        kind="suspend",
        reason_code="spam",
        text="b",
        days=None,
    )
    services.sanction_lift(by=staff, sanction=first, reason="Mistake")
    resident.refresh_from_db()
    assert not resident.is_active  # the open-ended one still holds
    assert Sanction.objects.get(pk=first.pk).lifted_by == staff


@pytest.mark.parametrize("role", ["resident", "leader"])
def test_only_district_staff_sanction(make_user, resident, board, role):
    groups = [board.dong.leaders_group] if role == "leader" else []
    actor = make_user(groups=groups)
    with pytest.raises(PermissionDenied):
        silence(actor, resident)


def test_staff_cannot_sanction_themselves(staff):
    with pytest.raises(ValidationError):
        silence(staff, staff)


def test_sanction_appeal_is_decided_by_other_staff_and_reversal_lifts_it(
    staff, other_staff, resident
):
    sanction = silence(staff, resident, days=30)
    appeal = services.appeal_create(
        appellant=resident, target=sanction, text="It was a misunderstanding"
    )
    assert not policy.can_decide_appeal(staff, appeal)  # the one who acted
    assert policy.can_decide_appeal(other_staff, appeal)
    with pytest.raises(PermissionDenied):
        services.appeal_decide(
            decider=staff, appeal=appeal, outcome="reversed", reason="I agree"
        )
    assert Notification.objects.filter(
        user=other_staff, kind="appeal_received"
    ).exists()
    assert not Notification.objects.filter(user=staff, kind="appeal_received").exists()
    services.appeal_decide(
        decider=other_staff,
        appeal=appeal,
        outcome="reversed",
        reason="Context shows a joke",
    )
    sanction.refresh_from_db()
    assert sanction.ended_at is not None
    assert policy.can_participate(fresh(resident))
    decided = Notification.objects.get(user=resident, kind="appeal_decided")
    assert "Context shows a joke" in decided.message()


def test_overdue_appeals_are_flagged_to_staff_once(
    staff, other_staff, resident, settings
):
    sanction = silence(staff, resident, days=30)
    appeal = services.appeal_create(appellant=resident, target=sanction, text="Please")
    Appeal.objects.filter(pk=appeal.pk).update(
        created_at=timezone.now()
        - timedelta(days=settings.DONGNE_APPEAL_TARGET_DAYS + 1)
    )
    assert services.appeals_flag_overdue() == 1
    assert services.appeals_flag_overdue() == 0
    assert (
        Notification.objects.filter(user=other_staff, kind="appeals_overdue").count()
        == 1
    )
    out = io.StringIO()
    call_command("moderation_sweep", stdout=out)
    assert "appeal(s) flagged overdue" in out.getvalue()


def test_staff_see_history_and_sanction_from_the_admin(client, staff, resident, board):
    client.force_login(staff)
    url = reverse("moderation_user_sanctions", args=[resident.pk])
    response = client.post(
        url,
        {
            "kind": "silence",
            "days": "7",
            "reason_code": "spam",
            "text": "Ads everywhere",
        },
    )
    assert response.status_code == 302
    page = client.get(url).text
    assert "Ads everywhere" in page
    assert client.get(reverse("moderation_sanctions")).status_code == 200
    leader = type(resident).objects.create_user("leader-x", "lx@example.org", "x")
    leader.groups.add(board.dong.leaders_group)
    client.force_login(leader)
    assert client.get(url).status_code in (302, 403)


def test_my_sanctions_page_shows_the_end_date(client, staff, resident):
    sanction = silence(staff, resident)
    client.force_login(resident)
    page = client.get(reverse("moderation:mine")).text
    assert "Insults in three threads" in page
    assert timezone.localtime(sanction.ends_at).isoformat()[:10] in page


def test_suspended_person_is_told_until_when_at_sign_in(client, staff, resident):
    services.sanction_create(
        moderator=staff,
        user=resident,
        kind="suspend",
        reason_code="illegal",
        text="Threats against a neighbour",
        days=30,
    )
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("account_login"),
        {"login": resident.email, "password": TEST_PASSWORD},
        follow=True,
    )
    assert "Threats against a neighbour" in response.text
    assert "suspended until" in response.text
