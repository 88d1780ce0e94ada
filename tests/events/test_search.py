"""Events in site search: only what anyone may see, ranked before the threads they open."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from events import services
from forums import services as forum_services
from tests.events.conftest import make_event, make_proposal, soon

pytestmark = pytest.mark.django_db


def results(client, query, **params):
    return client.get("/search/", {"q": query, **params}).text


def test_approved_event_is_found_by_title_place_and_description(client, leader, board):
    make_event(
        leader,
        board,
        title="골목 영화 상영회",
        location_name="역삼문화센터",
        description="돗자리를 가져오세요",
    )
    for query in ("영화 상영", "역삼문화센터", "돗자리"):
        text = results(client, query)
        assert "골목 영화 상영회" in text
        assert 'href="/events/e/' in text


def test_cancelled_pending_and_declined_events_are_not_found(
    client, leader, board, make_user
):
    cancelled = make_event(leader, board, title="취소된 요가교실")
    services.event_cancel(actor=leader, event=cancelled, reason="강사 사정")
    resident = make_user()
    pending = make_proposal(resident, board, title="대기중 요가교실")
    declined = make_proposal(resident, board, title="거절된 요가교실")
    services.event_review(
        reviewer=leader, event=declined, approve=False, note="장소 없음"
    )

    text = results(client, "요가교실")

    # (the cancelled event's discussion thread stays on its board, and in search)
    for event in (cancelled, pending, declined):
        assert f'href="/events/e/{event.pk}/"' not in text
    assert "대기중 요가교실" not in text and "거절된 요가교실" not in text


def test_event_discussion_thread_ranks_after_ordinary_threads_and_the_event(
    client, leader, board, make_user
):
    event = make_event(
        leader, board, title="플리마켓 준비 모임", description="플리마켓 물건 정리"
    )
    ordinary = forum_services.thread_create(
        author=make_user(),
        board=board,
        title="플리마켓 자리 있나요",
        body="플리마켓 질문입니다",
    )

    text = results(client, "플리마켓")

    event_at = text.index(f'href="/events/e/{event.pk}/"')
    ordinary_at = text.index(f'href="{ordinary.get_absolute_url()}"')
    auto_at = text.index(f'href="{event.thread.get_absolute_url()}"')
    assert event_at < auto_at and ordinary_at < auto_at


def test_search_with_no_result_says_what_to_try_and_offers_every_association(
    client, district
):
    text = results(client, "없는말쯤", dong="yeoksam-1")
    assert "Nothing matched every word" in text or "search-empty" in text
    assert 'href="/search/?q=%EC%97%86%EB%8A%94%EB%A7%90%EC%AF%A4"' in text


def test_resident_cannot_propose_an_event_in_the_past(client, board, make_user):
    resident = make_user()
    client.force_login(resident)
    start = timezone.localtime() - timedelta(days=2)
    response = client.post(
        f"/events/{board.slug}/new/",
        {
            "title": "지난주 벼룩시장",
            "description": "",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    with translation.override("ko"):  # the page is in the default language
        assert gettext("Choose a time in the future.") in response.text
    assert "지난주 벼룩시장" in response.text  # what was typed is kept
    assert 'aria-invalid="true"' in response.text
    assert not board.events.filter(title="지난주 벼룩시장").exists()


def test_resident_may_still_propose_a_future_event(board, make_user):
    event = make_proposal(make_user(), board, starts_at=soon(days=3))
    assert event.pk
