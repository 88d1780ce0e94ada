"""An author deletes their own post; "My posts" lists what they wrote."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from district.models import LiveEvent
from forums import services
from forums.models import ModerationAction, Post, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(board, resident, no_rate_limit):
    return services.thread_create(
        author=resident, board=board, title="놀이터 보수", body="그네가 낡았어요"
    )


def test_author_deletes_own_reply_logged_and_broadcast(thread, resident, neighbour):
    reply = services.post_create(author=resident, thread=thread, body="사진 첨부합니다")
    services.post_create(author=neighbour, thread=thread, body="동의해요")

    remaining = services.post_delete_own(author=resident, post=reply)

    assert remaining == thread
    assert not Post.objects.filter(pk=reply.pk).exists()
    thread.refresh_from_db()
    assert thread.post_count == 2
    entry = ModerationAction.objects.get(kind=ModerationAction.Kind.DELETE)
    assert entry.moderator == resident and "사진 첨부합니다" in entry.summary
    assert LiveEvent.objects.filter(
        topic=thread.topic, type="post.deleted", data__post_id=reply.pk
    ).exists()


def test_opening_post_deletes_the_thread_only_while_nobody_replied(
    thread, resident, neighbour, board
):
    opening = thread.posts.get()
    reply = services.post_create(author=neighbour, thread=thread, body="저도요")
    with pytest.raises(ValidationError):
        services.post_delete_own(author=resident, post=opening)

    services.post_delete_own(author=neighbour, post=reply)
    assert services.post_delete_own(author=resident, post=opening) is None

    assert not Thread.objects.filter(pk=thread.pk).exists()
    assert LiveEvent.objects.filter(topic=board.topic, type="thread.deleted").exists()


def test_nobody_deletes_someone_elses_post_and_a_repeat_finds_nothing(
    thread, resident, neighbour
):
    reply = services.post_create(author=resident, thread=thread, body="두 번 누르기")
    with pytest.raises(PermissionDenied):
        services.post_delete_own(author=neighbour, post=reply)
    services.post_delete_own(author=resident, post=reply)
    with pytest.raises(ValidationError):
        services.post_delete_own(author=resident, post=reply)


def test_reported_or_hidden_post_waits_for_the_moderators(
    thread, resident, neighbour, leader
):
    reply = services.post_create(author=resident, thread=thread, body="논쟁적인 글")
    services.report_create(reporter=neighbour, post=reply, reason="spam", note="")
    with pytest.raises(ValidationError):
        services.post_delete_own(author=resident, post=reply)
    assert Post.objects.filter(pk=reply.pk).exists()


def test_delete_page_confirms_then_deletes_and_goes_back_to_the_board(
    client, thread, resident, board
):
    client.force_login(resident)
    post = thread.posts.get()
    page = client.get(f"/forums/p/{post.pk}/delete/")
    assert page.status_code == 200 and "그네가 낡았어요" in page.text

    response = client.post(f"/forums/p/{post.pk}/delete/")

    assert (
        response.status_code == 302 and response["Location"] == board.get_absolute_url()
    )
    assert not Thread.objects.filter(pk=thread.pk).exists()


def test_delete_link_only_on_own_posts(client, thread, resident, neighbour):
    services.post_create(author=neighbour, thread=thread, body="이웃 답글")
    client.force_login(resident)
    text = client.get(thread.get_absolute_url()).text
    # Outside the live template (which holds every variant for posts that arrive live).
    shown = re.sub(r"<template\b.*?</template>", "", text, flags=re.DOTALL)
    assert shown.count("data-delete-own") == 1


def test_my_posts_lists_own_posts_with_their_threads_paginated(
    client, thread, resident, neighbour, django_assert_max_num_queries
):
    Post.objects.bulk_create(  # straight in the database: no flood limit in the way
        Post(thread=thread, author=resident, body=f"내 답글 {n:02}", body_html="")
        for n in range(21)
    )
    services.post_create(author=neighbour, thread=thread, body="남의 답글")
    client.force_login(resident)

    with django_assert_max_num_queries(12):
        text = client.get("/forums/mine/").text

    assert "내 답글 20" in text and "남의 답글" not in text
    assert "놀이터 보수" in text
    assert "내 답글 00" not in text  # on page 2
    assert "내 답글 00" in client.get("/forums/mine/", {"page": 2}).text


def test_my_posts_needs_sign_in(client, district):
    response = client.get("/forums/mine/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
