"""Personal data in forum posts (PIPA): phones and e-mails need the writer's confirmation, an RRN is refused everywhere."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from forums import services
from forums.forms import EditForm, ReplyForm, ThreadForm
from forums.models import Post, Thread

RRN = "주민번호 900101-1234567 입니다"


@pytest.fixture
def signed_in(client, resident):
    client.force_login(resident)
    client.cookies["django_language"] = "en"
    return client


def new_thread(client, board, **data):
    return client.post(
        reverse("forums:thread_new", args=[board.slug]),
        {"title": "주차 문의", "tags": "", "body": "연락 주세요 010-1234-5678", **data},
    )


def test_a_phone_number_asks_for_confirmation_and_keeps_the_text(signed_in, board):
    response = new_thread(signed_in, board)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Your text seems to contain a phone number (010-1234-5678)." in body
    assert 'type="checkbox" name="confirm_personal_data"' in body
    assert "연락 주세요 010-1234-5678" in body
    assert not Thread.objects.filter(title="주차 문의").exists()


def test_confirming_publishes_the_phone_number(signed_in, board):
    response = new_thread(signed_in, board, confirm_personal_data="on")
    assert response.status_code == 302
    thread = Thread.objects.get(title="주차 문의")
    assert "010-1234-5678" in thread.posts.get().body


def test_the_form_shows_no_checkbox_when_nothing_is_found(signed_in, board):
    body = signed_in.get(reverse("forums:thread_new", args=[board.slug])).content
    assert b'type="hidden" name="confirm_personal_data"' in body
    assert b'type="checkbox" name="confirm_personal_data"' not in body


def test_a_resident_registration_number_is_refused_even_when_confirmed(
    signed_in, board
):
    response = new_thread(signed_in, board, body=RRN, confirm_personal_data="on")
    assert response.status_code == 400
    body = response.content.decode()
    assert "resident registration number (900101-1******)" in body
    assert "900101-1234567" in body  # what was typed stays in the textarea
    assert 'type="checkbox" name="confirm_personal_data"' not in body
    assert not Thread.objects.filter(title="주차 문의").exists()


def test_the_message_follows_the_page_language(client, resident, board):
    client.force_login(resident)
    client.cookies["django_language"] = "ko"
    response = new_thread(client, board)
    assert response.status_code == 400
    assert '<html lang="ko">' in response.content.decode()


def test_reply_by_fetch_gets_the_confirmation_error(signed_in, board, neighbour):
    thread = services.thread_create(
        author=neighbour, board=board, title="모임 안내", body="다음 주에 만나요"
    )
    url = reverse("forums:reply", args=[thread.pk])
    response = signed_in.post(
        url, {"body": "메일 주세요 kim@example.com"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert "confirm_personal_data" in response.json()["errors"]
    response = signed_in.post(
        url,
        {"body": "메일 주세요 kim@example.com", "confirm_personal_data": "on"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201, response.json()


def test_editing_in_an_rrn_is_refused(signed_in, board, resident):
    thread = services.thread_create(
        author=resident, board=board, title="모임 안내", body="다음 주에 만나요"
    )
    post = thread.posts.get()
    response = signed_in.post(
        reverse("forums:post_edit", args=[post.pk]), {"body": RRN, "reason": ""}
    )
    assert response.status_code in (200, 400)  # the form again, not a redirect
    assert "resident registration number" in response.content.decode()
    post.refresh_from_db()
    assert post.body == "다음 주에 만나요"


@pytest.mark.parametrize("form_class", [ThreadForm, ReplyForm, EditForm])
def test_every_forum_form_asks_then_accepts(form_class):
    data = {"title": "문의", "body": "계좌 신한 110-123-456789 로 회비", "reason": ""}
    form = form_class(data)
    assert not form.is_valid()
    assert "confirm_personal_data" in form.errors
    assert form.personal_data.accounts == ["110-123-456789"]
    assert form_class({**data, "confirm_personal_data": "on"}).is_valid()


def test_services_refuse_an_rrn_on_every_path(board, resident):
    with pytest.raises(ValidationError) as error:
        services.thread_create(author=resident, board=board, title="문의", body=RRN)
    assert "body" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.thread_create(
            author=resident, board=board, title="900101-1234567", body="안녕하세요"
        )
    assert "title" in error.value.message_dict
    thread = services.thread_create(
        author=resident, board=board, title="모임", body="안녕하세요 여러분"
    )
    with pytest.raises(ValidationError):
        services.post_create(author=resident, thread=thread, body=RRN)
    with pytest.raises(ValidationError):
        services.post_edit(editor=resident, post=thread.posts.get(), body=RRN)
    assert not Post.objects.filter(body__contains="900101").exists()
