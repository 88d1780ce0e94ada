import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums import services
from forums.models import ModerationAction, Post, Thread

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>window.__pwned = 1</script>",
    "<img src=x onerror=window.__pwned=1>",
    "[click](javascript:window.__pwned=1)",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "<style>body{display:none}</style>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<details open ontoggle=alert(1)>",
    "`<b>code</b>` and **</div></main>**",
    "<!-- comment --><p onclick=alert(1)>p</p>",
]


def test_board_and_thread_pages_render(client, thread, board):
    assert board.name in client.get(reverse("forums:boards")).text
    text = client.get(board.get_absolute_url()).text
    assert thread.title in text
    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200
    assert "골목 주차가 어렵습니다." in page.text
    assert 'id="live-topics"' in page.text


def test_reply_over_http_and_bad_input_keeps_what_was_typed(
    client, thread, neighbour, no_rate_limit
):
    client.force_login(neighbour)
    response = client.post(
        reverse("forums:reply", args=[thread.pk]), {"body": "좋은 의견입니다"}
    )
    assert response.status_code == 302
    post = Post.objects.latest("id")
    assert response["Location"] == post.get_absolute_url()
    assert client.get(response["Location"])["Location"].endswith(f"#post-{post.pk}")
    client.cookies["django_language"] = "en"
    bad = client.post(reverse("forums:reply", args=[thread.pk]), {"body": "x"})
    assert bad.status_code == 400
    assert "Please write at least 2 characters" in bad.text
    json_bad = client.post(
        reverse("forums:reply", args=[thread.pk]),
        {"body": "y"},
        HTTP_ACCEPT="application/json",
    )
    assert json_bad.status_code == 400 and "body" in json_bad.json()["errors"]


def test_anonymous_cannot_post_and_is_sent_to_sign_in(client, thread):
    response = client.post(
        reverse("forums:reply", args=[thread.pk]), {"body": "익명 글"}
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert thread.posts.count() == 1


def test_new_thread_form_validation_keeps_input(client, board, neighbour):
    client.force_login(neighbour)
    client.cookies["django_language"] = "en"
    url = reverse("forums:thread_new", args=[board.slug])
    response = client.post(
        url, {"title": "", "tags": "a, b", "body": "본문 내용입니다"}
    )
    assert response.status_code == 400
    assert "본문 내용입니다" in response.text
    response = client.post(
        url, {"title": "새 글", "tags": "a, b, c, d, e, f", "body": "본문"}
    )
    assert "at most 5 tags" in response.text
    response = client.post(
        url, {"title": "새 글", "tags": "안전, 주차", "body": "본문"}
    )
    assert response.status_code == 302
    assert sorted(Thread.objects.latest("id").tags.names()) == ["안전", "주차"]


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_hostile_markdown_never_reaches_the_page_as_markup(
    client, board, neighbour, no_rate_limit
):
    thread = services.thread_create(
        author=neighbour, board=board, title="<script>alert(1)</script>", body="시작"
    )
    for payload in HOSTILE:
        services.post_create(author=neighbour, thread=thread, body=payload)
    text = client.get(thread.get_absolute_url()).text
    start = text.index('<ol class="post-list"')
    collector = TagCollector()
    collector.feed(text[start : text.index('<template id="post-template">')])
    tags = {tag for tag, _attrs in collector.tags}
    assert not tags & {
        "script",
        "iframe",
        "svg",
        "style",
        "img",
        "details",
        "object",
        "embed",
    }
    for tag, attrs in collector.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        href = attrs.get("href")
        if href:
            assert re.match(r"^(https?://|mailto:|/|\?|#)", href), href
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert text.count("<main") == 1 and text.count("</main>") == 1


def test_links_get_nofollow_ugc_noopener(client, thread, neighbour, no_rate_limit):
    services.post_create(
        author=neighbour, thread=thread, body="참고: https://www.gangnam.go.kr"
    )
    text = client.get(thread.get_absolute_url()).text
    assert 'href="https://www.gangnam.go.kr" rel="nofollow ugc noopener"' in text


THREAD_PAGE_QUERY_BUDGET = 20


def test_thread_page_queries_do_not_grow_with_1000_posts(
    client, thread, neighbour, django_assert_max_num_queries
):
    def add(count):
        Post.objects.bulk_create(
            Post(
                thread=thread,
                author=neighbour,
                body=f"글 {n}",
                body_html=f"<p>글 {n}</p>",
            )
            for n in range(count)
        )

    client.force_login(neighbour)
    add(40)
    client.get(
        thread.get_absolute_url()
    )  # first visit settles the session and read marker
    with CaptureQueriesContext(connection) as small:
        client.get(thread.get_absolute_url() + "?page=2")
    add(960)
    with django_assert_max_num_queries(THREAD_PAGE_QUERY_BUDGET):
        response = client.get(thread.get_absolute_url() + "?page=20")
    assert response.status_code == 200
    assert len(re.findall(r"id=\"post-\d+\"", response.text)) == 30
    with CaptureQueriesContext(connection) as large:
        client.get(thread.get_absolute_url() + "?page=30")
    assert len(large) == len(small)


def test_unread_markers_and_new_since_last_visit(
    client, thread, board, neighbour, resident, no_rate_limit
):
    client.force_login(neighbour)
    client.cookies["django_language"] = "en"
    assert "Unread" in client.get(board.get_absolute_url()).text
    client.get(thread.get_absolute_url())
    assert "Unread" not in client.get(board.get_absolute_url()).text
    services.post_create(author=resident, thread=thread, body="새 답글입니다")
    assert "New replies" in client.get(board.get_absolute_url()).text


def test_report_page_and_moderation_queue(
    client, thread, neighbour, leader, other_board, old_user
):
    post = thread.posts.get()
    client.force_login(neighbour)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("forums:post_report", args=[post.pk]), {"reason": "spam"}
    )
    assert response.status_code == 302
    client.force_login(leader)
    queue = client.get(reverse("forums_moderation_queue"))
    assert queue.status_code == 200 and thread.title in queue.text
    outsider = old_user(groups=[other_board.dong.leaders_group])
    client.force_login(outsider)
    assert thread.title not in client.get(reverse("forums_moderation_queue")).text
    assert client.get(
        reverse("forums_moderate_post", args=[post.pk, "hide"])
    ).status_code in (302, 403)


def test_moderation_form_requires_reason_and_acts(client, thread, leader):
    post = thread.posts.get()
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    url = reverse("forums_moderate_post", args=[post.pk, "hide"])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    # The reason code is required too (issue #15): spam, abuse, personal information...
    assert client.post(url, {"reason": "욕설이 포함됨"}).status_code == 400
    assert (
        client.post(
            url, {"reason": "욕설이 포함됨", "reason_code": "abuse"}
        ).status_code
        == 302
    )
    post.refresh_from_db()
    assert post.is_hidden
    assert ModerationAction.objects.get(post=post, kind="hide").reason_code == "abuse"
    resident_view = Client().get(thread.get_absolute_url()).text
    assert "골목 주차가 어렵습니다." not in resident_view


def test_moderation_log_readable_by_staff_not_residents(
    client, thread, leader, staff, neighbour
):
    services.thread_pin(moderator=leader, thread=thread, reason="공지로 고정")
    client.force_login(staff)
    assert "공지로 고정" in client.get(reverse("forums_moderation_log")).text
    client.force_login(neighbour)
    assert client.get(reverse("forums_moderation_log")).status_code in (302, 403)


def test_edit_history_visible_to_moderators_only(
    client, thread, resident, leader, neighbour
):
    post = thread.posts.get()
    services.post_edit(editor=resident, post=post, body="수정된 내용")
    url = reverse("forums:post_history", args=[post.pk])
    client.force_login(neighbour)
    assert client.get(url).status_code == 404
    client.force_login(leader)
    assert "골목 주차가 어렵습니다." in client.get(url).text


def test_notifications_page_and_mark_read(
    client, thread, neighbour, resident, no_rate_limit
):
    services.post_create(author=neighbour, thread=thread, body="답글 남깁니다")
    client.force_login(resident)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("notifications")).text
    assert "Tuan replied in" in page
    assert "data-unread>1<" in client.get("/").text
    client.post(reverse("notifications_read"))
    assert resident.notifications.filter(read_at__isnull=True).count() == 0


def test_quoting_a_post_from_another_page_prefills_the_reply(
    client, thread, neighbour, settings
):
    settings.FORUMS_POSTS_PER_PAGE = 2
    Post.objects.bulk_create(
        Post(
            thread=thread, author=neighbour, body=f"글 {n}", body_html=f"<p>글 {n}</p>"
        )
        for n in range(4)
    )
    first = thread.posts.order_by("id").first()
    client.force_login(neighbour)
    response = client.get(thread.get_absolute_url(), {"quote": first.pk, "page": 3})
    assert (
        response.context["reply_form"]
        .initial["body"]
        .startswith("> 골목 주차가 어렵습니다.")
    )
    assert response.context["reply_form"].initial["quote_of"] == first.pk
