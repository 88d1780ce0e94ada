from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from district.models import AppendOnlyError, LiveEvent, Notification
from forums import services
from forums.models import ModerationAction, Post, PostRevision, Report

pytestmark = pytest.mark.django_db


def events(topic):
    return list(
        LiveEvent.objects.filter(topic=topic).order_by("seq").values_list("seq", "type")
    )


def test_thread_create_stores_rendered_first_post_and_announces_it(resident, board):
    thread = services.thread_create(
        author=resident,
        board=board,
        title="  공원   산책 모임 ",
        body="**토요일** 아침",
        tags=["산책", "공원"],
    )
    post = thread.posts.get()
    assert thread.title == "공원 산책 모임"
    assert post.body_html == "<p><strong>토요일</strong> 아침</p>\n"
    assert sorted(t.name for t in thread.tags.all()) == ["공원", "산책"]
    assert (thread.post_count, thread.last_post_id) == (1, post.pk)
    assert events(board.topic) == [(1, "thread.created")]


def test_reply_updates_thread_logs_live_events_and_notifies_thread_author(
    thread, neighbour, board, no_rate_limit
):
    post = services.post_create(
        author=neighbour, thread=thread, body="저도 같은 생각입니다"
    )
    thread.refresh_from_db()
    assert (thread.post_count, thread.last_post_id) == (2, post.pk)
    assert events(thread.topic) == [(1, "post.created")]
    assert events(board.topic)[-1] == (2, "post.created")
    note = Notification.objects.get(user=thread.author)
    assert note.kind == "reply" and note.url == post.get_absolute_url()
    with translation.override("en"):
        assert note.message() == "Tuan replied in “주차 문제 논의”"
    assert events(f"user:{thread.author_id}")[-1][1] == "notification.created"


def test_quote_and_mention_notify_once_each_and_never_yourself(
    thread, neighbour, old_user, no_rate_limit
):
    third = old_user(display_name="Hana")
    first = thread.posts.get()
    services.post_create(
        author=neighbour,
        thread=thread,
        body="> 골목\n\n@Hana @Tuan 의견 주세요",
        quote_of=first,
    )
    kinds = dict(
        Notification.objects.values_list("user__profile__display_name", "kind")
    )
    assert kinds == {"민지": "quote", "Hana": "mention"}
    assert not Notification.objects.filter(user=neighbour).exists()
    assert third.notifications.count() == 1


def test_locked_thread_refuses_replies_with_a_message(
    thread, neighbour, leader, no_rate_limit
):
    services.thread_lock(moderator=leader, thread=thread, reason="논의 종료")
    with pytest.raises(ValidationError, match="locked"), translation.override("en"):
        services.post_create(
            author=neighbour, thread=thread, body="아직 할 말이 있어요"
        )
    services.post_create(author=leader, thread=thread, body="정리 글입니다")


def test_posting_too_fast_is_refused_with_the_wait(thread, neighbour, settings):
    settings.FORUMS_MIN_SECONDS_BETWEEN_POSTS = 30
    services.post_create(author=neighbour, thread=thread, body="첫 번째")
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="Please wait"),
    ):
        services.post_create(author=neighbour, thread=thread, body="두 번째")
    assert thread.posts.count() == 2


def test_new_accounts_have_a_first_day_cap_and_link_and_mention_limits(
    thread, make_user, no_rate_limit, settings
):
    settings.FORUMS_NEW_ACCOUNT_MAX_POSTS = 3
    newcomer = make_user(display_name="새내기")
    with translation.override("en"):
        with pytest.raises(ValidationError, match="at most 2 links"):
            services.post_create(
                author=newcomer,
                thread=thread,
                body="https://a.example https://b.example www.c.example",
            )
        with pytest.raises(ValidationError, match="mention at most 2"):
            services.post_create(
                author=newcomer, thread=thread, body="@a1 @b2 @c3 안녕하세요"
            )
        for n in range(3):
            services.post_create(author=newcomer, thread=thread, body=f"안녕하세요 {n}")
        with pytest.raises(ValidationError, match="first day"):
            services.post_create(author=newcomer, thread=thread, body="네 번째")


@pytest.mark.parametrize(
    "body, message", [("a", "at least 2"), ("가" * 10_001, "under 10000")]
)
def test_body_length_limits(thread, neighbour, body, message):
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        services.post_create(author=neighbour, thread=thread, body=body)


def test_author_edits_within_the_window_and_history_is_kept(
    thread, resident, neighbour, settings
):
    post = thread.posts.get()
    services.post_edit(editor=resident, post=post, body="골목 주차가 매우 어렵습니다.")
    assert PostRevision.objects.get(post=post).body == "골목 주차가 어렵습니다."
    with pytest.raises(PermissionDenied):
        services.post_edit(editor=neighbour, post=post, body="남의 글 수정")
    Post.objects.filter(pk=post.pk).update(
        created_at=timezone.now() - timedelta(minutes=61)
    )
    post.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.post_edit(editor=resident, post=post, body="너무 늦은 수정")


def test_moderator_edit_is_logged_and_author_told(thread, leader):
    post = thread.posts.get()
    services.post_edit(
        editor=leader, post=post, body="개인정보를 지웠습니다.", reason="전화번호 삭제"
    )
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.reason, entry.moderator) == (
        "edit",
        "전화번호 삭제",
        leader,
    )
    assert Notification.objects.filter(user=thread.author, kind="moderation").exists()


def test_reactions_toggle_and_count(thread, neighbour, resident, old_user):
    post = thread.posts.get()
    assert services.reaction_toggle(user=neighbour, post=post, kind="thanks") == {
        "thanks": 1
    }
    assert services.reaction_toggle(user=old_user(), post=post, kind="thanks") == {
        "thanks": 2
    }
    assert services.reaction_toggle(user=neighbour, post=post, kind="thanks") == {
        "thanks": 1
    }
    with pytest.raises(PermissionDenied):
        services.reaction_toggle(user=resident, post=post, kind="like")
    with pytest.raises(ValidationError):
        services.reaction_toggle(user=neighbour, post=post, kind="love")


def test_three_reports_from_distinct_residents_hide_the_post(thread, old_user):
    post = thread.posts.get()
    reporters = [old_user() for _ in range(3)]
    services.report_create(reporter=reporters[0], post=post, reason="spam")
    with pytest.raises(ValidationError):
        services.report_create(reporter=reporters[0], post=post, reason="abuse")
    services.report_create(reporter=reporters[1], post=post, reason="abuse")
    post.refresh_from_db()
    assert not post.is_hidden
    services.report_create(
        reporter=reporters[2], post=post, reason="other", note="광고"
    )
    post.refresh_from_db()
    assert post.is_hidden
    entry = ModerationAction.objects.get()
    assert entry.kind == "auto_hide" and entry.moderator is None
    assert events(thread.topic)[-1][1] == "post.hidden"
    assert Notification.objects.filter(user=thread.author, kind="moderation").exists()


def test_report_reason_other_needs_a_note(thread, neighbour):
    with pytest.raises(ValidationError):
        services.report_create(
            reporter=neighbour, post=thread.posts.get(), reason="other", note=" "
        )
    with pytest.raises(ValidationError):
        services.report_create(
            reporter=neighbour, post=thread.posts.get(), reason="nonsense"
        )
    assert not Report.objects.exists()


def test_every_moderation_action_needs_a_reason_and_is_logged(
    thread, leader, neighbour, no_rate_limit
):
    reply = services.post_create(author=neighbour, thread=thread, body="부적절한 글")
    with pytest.raises(ValidationError):
        services.post_hide(moderator=leader, post=reply, reason="  ")
    services.post_hide(moderator=leader, post=reply, reason="욕설")
    services.post_restore(moderator=leader, post=reply, reason="재검토 결과 문제 없음")
    services.thread_pin(moderator=leader, thread=thread, reason="공지")
    services.thread_lock(moderator=leader, thread=thread, reason="종료", locked=True)
    services.thread_lock(moderator=leader, thread=thread, reason="재개", locked=False)
    services.post_delete(moderator=leader, post=reply, reason="중복 글")
    kinds = list(ModerationAction.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["hide", "restore", "pin", "lock", "unlock", "delete"]
    assert not Post.objects.filter(pk=reply.pk).exists()
    thread.refresh_from_db()
    assert thread.post_count == 1


def test_moderation_log_is_append_only(thread, leader):
    services.thread_pin(moderator=leader, thread=thread, reason="공지")
    entry = ModerationAction.objects.get()
    entry.reason = "고쳐 쓰기"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        ModerationAction.objects.update(reason="고쳐 쓰기")
    with pytest.raises(AppendOnlyError):
        ModerationAction.objects.all().delete()
    assert list(ModerationAction.objects.values_list("reason", flat=True)) == ["공지"]


def test_moderator_of_another_dong_cannot_act(thread, old_user, other_board):
    other_leader = old_user(groups=[other_board.dong.leaders_group])
    with pytest.raises(PermissionDenied):
        services.thread_lock(moderator=other_leader, thread=thread, reason="x")


def test_move_needs_permission_on_both_boards(thread, leader, staff, youth_board):
    with pytest.raises(PermissionDenied):
        services.thread_move(
            moderator=leader, thread=thread, board=youth_board, reason="청년 주제"
        )
    services.thread_move(
        moderator=staff, thread=thread, board=youth_board, reason="청년 주제"
    )
    thread.refresh_from_db()
    assert thread.board == youth_board
    assert events(youth_board.topic)[-1][1] == "thread.moved"


def test_moderation_notice_reaches_the_author_in_their_language(
    thread, leader, resident
):
    resident.profile.language = "vi"
    resident.profile.save()
    services.thread_lock(moderator=leader, thread=thread, reason="Đã xong")
    note = Notification.objects.get(user=resident, kind="moderation")
    with translation.override(resident.profile.language):
        assert "Đã xong" in note.message()
        assert "khóa" in note.message().lower()
