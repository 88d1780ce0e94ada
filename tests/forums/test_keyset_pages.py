"""A board's pages cost the same at its end as at its top (keyset paging, district.keyset)."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums.models import Thread


def make_threads(board, author, n, start=0):
    now = timezone.now()
    threads = Thread.objects.bulk_create(
        [
            Thread(board=board, title=f"안건 {i}", author=author)
            for i in range(start, start + n)
        ]
    )
    for i, thread in enumerate(threads, start):
        Thread.objects.filter(pk=thread.pk).update(
            last_activity_at=now - timedelta(minutes=i)
        )
    return threads


def titles(html: str) -> list[str]:
    return [part.split("<", 1)[0] for part in html.split(">안건 ")[1:]]


def queries_of(client, url) -> int:
    client.get(url)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def link(html: str, rel: str) -> str:
    tag = html.split(f'rel="{rel}" href="', 1)[1]
    return tag.split('"', 1)[0].replace("&amp;", "&")


def test_walking_a_board_by_its_older_links_shows_every_thread_once(
    client, board, resident
):
    make_threads(board, resident, 75)
    url = board.get_absolute_url()
    seen = []
    for _ in range(3):
        html = client.get(url).text
        seen += titles(html)
        if 'rel="next"' not in html:
            break
        url = board.get_absolute_url() + link(html, "next")
    assert seen == [str(i) for i in range(75)]
    # Back up by the newer link from the last page: the middle page again.
    assert titles(client.get(board.get_absolute_url() + link(html, "prev")).text) == [
        str(i) for i in range(30, 60)
    ]


def test_the_oldest_page_shows_the_oldest_threads(client, board, resident):
    make_threads(board, resident, 75)
    html = client.get(board.get_absolute_url() + "?last=1").text
    assert titles(html) == [str(i) for i in range(45, 75)]
    assert 'rel="next"' not in html and 'rel="prev"' in html


def test_deep_pages_cost_the_same_queries_as_the_first(client, board, resident):
    make_threads(board, resident, 40)
    first = queries_of(client, board.get_absolute_url())
    oldest = queries_of(client, board.get_absolute_url() + "?last=1")
    make_threads(board, resident, 200, start=40)
    assert queries_of(client, board.get_absolute_url()) == first
    assert queries_of(client, board.get_absolute_url() + "?last=1") == oldest


def test_old_numbered_links_and_bad_cursors_still_answer(client, board, resident):
    make_threads(board, resident, 45)
    assert titles(client.get(board.get_absolute_url() + "?page=2").text) == [
        str(i) for i in range(30, 45)
    ]
    for junk in ("?after=banana", "?before=1.2.3", "?after=99999999999999999999.1"):
        assert client.get(board.get_absolute_url() + junk).status_code == 200


def test_notification_pages_are_keyset_pages(client, make_user):
    from district.models import Notification

    user = make_user(display_name="민지")
    Notification.objects.bulk_create(
        [Notification(user=user, kind=f"kind-{i:03d}") for i in range(65)]
    )
    client.force_login(user)
    html = client.get("/notifications/").text
    assert html.count("kind-") == 30 and "kind-064" in html
    html = client.get("/notifications/" + link(html, "next")).text
    assert html.count("kind-") == 30 and "kind-034" in html
    assert queries_of(client, "/notifications/?last=1") == queries_of(
        client, "/notifications/"
    )
