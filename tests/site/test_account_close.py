"""Closing an account (issue #15): what goes, what stays under an opaque id, and what it means for others."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from district.accounts import account_close
from district.models import Notification, Profile
from district.services import notification_create
from dong.models import DongPage
from events.models import RSVP, CalendarFeed, RSVPStatus
from events.services import rsvp_set
from forums import services as forum_services
from forums.models import Board, ModerationAction, Post, Thread
from proposals import services as proposal_services
from proposals.models import Support
from tests.conftest import TEST_PASSWORD
from tests.events.conftest import make_event
from tests.proposals.conftest import make_cycle, make_proposal
from tests.votes.conftest import answers_for, declaration, make_ballot
from votes import permissions as vote_permissions
from votes import services as vote_services
from votes.models import ClosedAccountVoice, Participation

User = get_user_model()


@pytest.fixture(autouse=True)
def no_flood_gap(settings):
    settings.FORUMS_MIN_SECONDS_BETWEEN_POSTS = 0


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def board(district):
    return Board.objects.select_related("dong").get(slug="yeoksam-1")


@pytest.fixture
def dong(district):
    return DongPage.objects.get(slug="yeoksam-1")


def _old(user):
    user.date_joined = timezone.now() - timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


@pytest.fixture
def resident(make_user, dong):
    return _old(
        make_user(email="minji@example.org", display_name="민지", home_dong=dong)
    )


@pytest.fixture
def neighbour(make_user):
    return _old(make_user(display_name="Tuan"))


def test_others_notifications_no_longer_name_them(resident, neighbour):
    n = notification_create(user=neighbour, kind="reply", actor_name="민지")
    account_close(user=resident, password=TEST_PASSWORD)
    n.refresh_from_db()
    assert "민지" not in n.actor_name


def test_wrong_password_closes_nothing(resident):
    with pytest.raises(ValidationError):
        account_close(user=resident, password="not it")
    resident.refresh_from_db()
    assert resident.is_active and resident.email == "minji@example.org"


def test_personal_data_goes_the_row_stays_opaque(
    resident, english, django_capture_on_commit_callbacks
):
    from district.exports import data_export_request, storage
    from district.models import DataExport

    notification_create(user=resident, kind="reply", actor_name="x")
    CalendarFeed.objects.create(user=resident, token="t" * 43)
    with django_capture_on_commit_callbacks(execute=True):
        export = data_export_request(user=resident)
    export.refresh_from_db()
    assert storage().exists(export.file_name)
    pk = resident.pk
    with django_capture_on_commit_callbacks(execute=True):
        account_close(user=resident, password=TEST_PASSWORD)
    assert not DataExport.objects.filter(user_id=pk).exists()
    assert not storage().exists(export.file_name)
    user = User.objects.get(pk=pk)
    assert not user.is_active and not user.has_usable_password()
    assert user.email == "" and user.username.startswith("closed-")
    assert "minji" not in user.username
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Notification.objects.filter(user=user).exists()
    assert not CalendarFeed.objects.filter(user=user).exists()
    profile = Profile.objects.get(user=user)
    assert profile.closed_at is not None
    assert (profile.display_name, profile.home_dong_id, profile.language) == (
        "",
        None,
        "",
    )
    from district.models import display_name

    assert display_name(user) == "former member"


def test_two_closed_accounts_and_reuse_of_the_email(resident, make_user, english):
    other = make_user()
    account_close(user=resident, password=TEST_PASSWORD)
    account_close(user=other, password=TEST_PASSWORD)  # both names empty: no clash
    again = make_user(email="minji@example.org", display_name="민지")
    assert again.pk != resident.pk and again.is_active


def test_posts_stay_as_former_member_and_log_keeps_the_id(
    client, make_user, resident, neighbour, board, english
):
    thread = forum_services.thread_create(
        author=resident, board=board, title="골목 청소", body="같이 해요"
    )
    moderator = make_user(groups=[board.dong.leaders_group])
    forum_services.post_hide(
        moderator=moderator, post=thread.posts.first(), reason="test"
    )
    forum_services.post_restore(
        moderator=moderator, post=thread.posts.first(), reason="test"
    )
    account_close(user=resident, password=TEST_PASSWORD)
    assert Post.objects.filter(author=resident).count() == 1
    assert ModerationAction.objects.filter(target_author=resident).count() == 2
    client.force_login(neighbour)
    page = client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "former member" in page.content.decode()
    assert "민지" not in page.content.decode()


def test_delete_content_keeps_what_others_depend_on(resident, neighbour, board):
    alone = forum_services.thread_create(
        author=resident, board=board, title="혼자 쓴 글", body="아무도 답 안 함"
    )
    busy = forum_services.thread_create(
        author=neighbour, board=board, title="이웃 글", body="의견 주세요"
    )
    plain = forum_services.post_create(author=resident, thread=busy, body="좋아요")
    quoted = forum_services.post_create(author=resident, thread=busy, body="제 생각은")
    forum_services.post_create(
        author=neighbour, thread=busy, body="동의해요", quote_of=quoted
    )
    mine = forum_services.thread_create(
        author=resident, board=board, title="답글 있는 글", body="모여요"
    )
    forum_services.post_create(author=neighbour, thread=mine, body="갈게요")
    account_close(user=resident, password=TEST_PASSWORD, delete_content=True)
    assert not Thread.objects.filter(pk=alone.pk).exists()
    assert not Post.objects.filter(pk=plain.pk).exists()
    assert Post.objects.filter(pk=quoted.pk).exists()  # quoted by a neighbour
    assert Thread.objects.filter(pk=mine.pk).exists()  # others replied


def test_future_signups_cancelled_and_waiting_list_moves_up(
    make_user, resident, neighbour, board
):
    leader = make_user(groups=[board.dong.leaders_group])
    event = make_event(leader, board, capacity=1)
    occurrence = event.occurrences.get()
    rsvp_set(user=resident, occurrence=occurrence, going=True)
    rsvp_set(user=neighbour, occurrence=occurrence, going=True)
    assert RSVP.objects.get(user=neighbour).status == RSVPStatus.WAITLISTED
    account_close(user=resident, password=TEST_PASSWORD)
    assert RSVP.objects.get(user=resident).status == RSVPStatus.CANCELLED
    assert RSVP.objects.get(user=neighbour).status == RSVPStatus.GOING


def test_supports_stay_counted(make_user, resident, dong):
    author = make_user(display_name="제안자")
    proposal = make_proposal(author, make_cycle(dong))
    proposal_services.support_set(user=resident, proposal=proposal, support=True)
    account_close(user=resident, password=TEST_PASSWORD)
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    assert Support.objects.filter(proposal=proposal).count() == 1


def test_cannot_vote_twice_in_an_open_ballot_after_signing_up_again(
    make_user, resident, dong
):
    leader = make_user(groups=[dong.leaders_group])
    ballot = make_ballot(leader, dong)
    other = make_ballot(leader, dong, title="다른 투표")
    vote_services.vote_cast(
        user=resident,
        ballot=ballot,
        declaration=declaration(dong),
        answers=answers_for(ballot),
    )
    account_close(user=resident, password=TEST_PASSWORD)
    assert Participation.objects.filter(ballot=ballot).count() == 1  # still counted
    assert ClosedAccountVoice.objects.filter(ballot=ballot).count() == 1
    again = make_user(email="MinJi@example.org ", home_dong=dong)
    assert vote_permissions.vote_refusal(again, ballot) == "voted"
    assert vote_permissions.vote_refusal(again, other) is None
    with pytest.raises(ValidationError):
        vote_services.vote_cast(
            user=again,
            ballot=ballot,
            declaration=declaration(dong),
            answers=answers_for(ballot),
        )


def test_nor_at_a_paper_box_after_signing_up_again(make_user, resident, dong):
    officer = make_user(home_dong=dong)
    ballot = make_ballot(
        make_user(groups=[dong.leaders_group]), dong, officers=[officer]
    )
    vote_services.vote_cast(
        user=resident,
        ballot=ballot,
        declaration=declaration(dong),
        answers=answers_for(ballot),
    )
    account_close(user=resident, password=TEST_PASSWORD)
    again = make_user(email="minji@example.org", home_dong=dong)
    with pytest.raises(ValidationError):
        vote_services.voter_check_in(
            officer=officer,
            box=ballot.boxes.get(),
            token=vote_services.pass_token(ballot, again),
        )
    assert Participation.objects.filter(ballot=ballot).count() == 1


def test_the_close_page_asks_for_the_password_and_signs_out(client, resident, english):
    client.force_login(resident)
    page = client.get(reverse("account_close"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and b'type="password"' in page.content
    wrong = client.post(reverse("account_close"), {"password": "nope"})
    assert wrong.status_code == 200
    resident.refresh_from_db()
    assert resident.is_active
    done = client.post(reverse("account_close"), {"password": TEST_PASSWORD})
    assert done.status_code == 302
    assert client.get(reverse("profile_edit")).status_code == 302  # signed out
    resident.refresh_from_db()
    assert not resident.is_active


def test_closed_account_cannot_sign_in(client, resident):
    account_close(user=resident, password=TEST_PASSWORD)
    assert not client.login(email="minji@example.org", password=TEST_PASSWORD)
