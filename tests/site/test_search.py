"""Site search: Korean substrings, what a reader may find, the association filter, and its cost."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction
from wagtail.search.backends import get_search_backend

from district import search
from forums import services as forum_services
from forums.models import Post, Thread
from tests.dong.factories import add_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def yeoksam(district):
    return next(d for d in district if d.slug == "yeoksam-1")


@pytest.fixture
def sinsa(district):
    return next(d for d in district if d.slug == "sinsa")


def _choice(slug: str) -> search.DongChoice:
    return next(c for c in search.dong_choices() if c.slug == slug)


def _posts(thread: Thread, author, bodies: list[str], *, hidden=False) -> list[Post]:
    """Posts made straight in the database and indexed in bulk, in list order."""
    posts = Post.objects.bulk_create(
        Post(thread=thread, author=author, body=b, body_html=b, is_hidden=hidden)
        for b in bodies
    )
    get_search_backend().add_bulk(Post, posts)
    return posts


@pytest.mark.parametrize("query", ["자치", "대청소", "맞이 대청"])
def test_korean_search_finds_words_inside_words(client, yeoksam, query):
    add_notice(yeoksam, "봄맞이 대청소 안내", summary="주민자치회가 함께합니다")
    text = client.get("/search/", {"q": query}).text
    assert "봄맞이 대청소 안내" in text
    assert "<mark>" in text


def test_search_finds_the_second_word_of_a_title_and_filters_by_dong(
    client, district, yeoksam
):
    add_notice(yeoksam, "주차장 야간개방 결과")
    add_notice(district[0], "신사동 야간개방 설명회")
    text = client.get("/search/", {"q": "야간개방", "dong": "yeoksam-1"}).text
    assert "주차장 야간개방 결과" in text and "신사동 야간개방 설명회" not in text
    assert '<option value="yeoksam-1" selected>' in text


def test_search_never_shows_drafts_private_pages_or_hidden_threads_and_posts(
    client, yeoksam, make_user, settings
):
    settings.FORUMS_MIN_SECONDS_BETWEEN_POSTS = 0
    add_notice(yeoksam, "비밀초안 공지", live=False)
    private = add_notice(yeoksam, "비밀회의 공지")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.GROUPS
    ).groups.add(yeoksam.leaders_group)
    add_notice(yeoksam, "비밀번호 바꾸는 법")
    author = make_user()
    board = yeoksam.boards.get()
    hidden = forum_services.thread_create(
        author=author, board=board, title="비밀스레드 제목", body="숨김글본문 비밀"
    )
    shown = forum_services.thread_create(
        author=author, board=board, title="공개스레드 제목", body="비밀 아닌 이야기"
    )
    bad_reply = forum_services.post_create(
        author=make_user(), thread=shown, body="비밀댓글 개인정보"
    )
    staff = make_user(groups=[Group.objects.get(name="District staff")])
    forum_services.thread_hide(moderator=staff, thread=hidden, reason="개인정보")
    forum_services.post_hide(moderator=staff, post=bad_reply, reason="개인정보")

    for reader in (None, staff, make_user(groups=[yeoksam.leaders_group])):
        if reader:
            client.force_login(reader)
        text = client.get("/search/", {"q": "비밀"}).text
        assert "비밀초안" not in text and "비밀회의" not in text
        assert "비밀스레드" not in text and "숨김글본문" not in text
        assert "비밀댓글" not in text
        assert "비밀번호 바꾸는 법" in text
        assert "공개스레드 제목" in text and "<mark>비밀</mark> 아닌 이야기" in text


@pytest.mark.parametrize("noise_indexed", ["before", "after"])
def test_hidden_and_other_dong_matches_never_crowd_out_the_visible_one(
    client, yeoksam, sinsa, make_user, noise_indexed
):
    """2,000 matches a reader may not find here (1,600 hidden, 400 in another association), then one visible."""
    author = make_user()
    here = Thread.objects.create(
        board=yeoksam.boards.get(), title="일반", author=author
    )
    gone = Thread.objects.create(
        board=yeoksam.boards.get(), title="숨김", author=author, is_hidden=True
    )
    there = Thread.objects.create(board=sinsa.boards.get(), title="다른", author=author)

    def noise():
        _posts(here, author, [f"주민총회 안건 {i}" for i in range(1000)], hidden=True)
        _posts(gone, author, [f"주민총회 안건 {i}" for i in range(600)])
        _posts(there, author, [f"주민총회 안건 {i}" for i in range(400)])

    if noise_indexed == "before":
        noise()
    (target,) = _posts(here, author, ["역삼 주민총회 장소 안내"])
    if noise_indexed == "after":
        noise()

    in_yeoksam = search.find("주민총회", reader=author, dong=_choice("yeoksam-1"))
    assert [hit.object_id for hit in in_yeoksam] == [target.pk]
    everywhere = search.find("주민총회", reader=author)
    assert len(everywhere) == 401 and target.pk in {h.object_id for h in everywhere}

    text = client.get("/search/", {"q": "주민총회", "dong": "yeoksam-1"}).text
    assert "역삼 <mark>주민총회</mark> 장소 안내" in text and "안건" not in text


def test_a_capped_search_says_so_and_pages_through_the_rest(client, yeoksam, make_user):
    author = make_user()
    thread = Thread.objects.create(board=yeoksam.boards.get(), title="t", author=author)
    _posts(thread, author, [f"벼룩시장 물품 {i}" for i in range(search.LIMIT + 5)])
    client.cookies["django_language"] = "en"
    text = client.get("/search/", {"q": "벼룩시장"}).text
    assert f"Only the first {search.LIMIT} results are listed" in text
    assert 'rel="next"' in text
    last = client.get("/search/", {"q": "벼룩시장", "page": search.LIMIT // 20}).text
    assert "</mark> 물품 5<" in last and "</mark> 물품 4<" not in last


def test_search_page_costs_the_same_for_10_and_200_matches(
    client, yeoksam, sinsa, make_user, django_assert_max_num_queries
):
    """Pages, threads and posts on the first page; only that page is described."""
    author = make_user()
    boards = [yeoksam.boards.get(), sinsa.boards.get()]
    threads = [
        Thread.objects.create(board=boards[i % 2], title=f"잡담 {i}", author=author)
        for i in range(5)
    ]
    add_notice(yeoksam, "마을버스 노선 변경 공지")
    Thread.objects.create(board=boards[1], title="마을버스 시간표", author=author)

    def add_posts(numbers):
        for i in numbers:
            _posts(threads[i % 5], author, [f"마을버스 노선 이야기 {i}"])

    def queries_of_search():
        with CaptureQueriesContext(connection) as queries:
            text = client.get("/search/", {"q": "마을버스"}).text
        assert "마을버스 노선 변경 공지" in text and "마을버스 시간표" in text
        assert "<mark>마을버스</mark> 노선 이야기" in text
        return [q["sql"] for q in queries]

    add_posts(range(10))
    client.get("/search/", {"q": "마을버스"})  # caches the Site's root paths
    with_10 = queries_of_search()
    add_posts(range(10, 200))
    with_200 = queries_of_search()
    # dong choices, the hits, then the shown page's pages, threads and posts
    assert len(with_10) == len(with_200) <= 5, with_200
    with django_assert_max_num_queries(5):
        client.get("/search/", {"q": "마을버스", "dong": "sinsa"})


@pytest.mark.postgres
def test_the_trigram_index_serves_the_query_search_sends(yeoksam, make_user, settings):
    """EXPLAIN the statement `find` runs: the pg_trgm GIN index must be able to serve it.

    Substring matching alone (the Korean analyser off); with the analyser the
    GIN indexes over its terms and bigrams serve it (bench/search.py).
    """
    author = make_user()
    thread = Thread.objects.create(board=yeoksam.boards.get(), title="t", author=author)
    _posts(thread, author, [f"안건 {i} 주민자치 회의" for i in range(2000)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE wagtailsearch_indexentry")
        cursor.execute("SET LOCAL enable_seqscan = off")
    settings.DONGNE_KOREAN_ANALYSER = False
    rows = search.matching(search.terms_of("주민자치"), reader=author)
    plan = rows.explain()
    assert "modelsearch_body_text_trgm" in plan, plan
    assert "~~*" in plan, plan
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'wagtailsearch_indexentry'"
            " AND indexdef LIKE '%%gin_trgm_ops%%' ORDER BY indexname"
        )
        assert [name for (name,) in cursor.fetchall()] == [
            "modelsearch_body_text_trgm",
            "modelsearch_title_text_trgm",
        ]


def test_a_word_most_entries_hold_ranks_only_the_newest_matches(
    yeoksam, make_user, monkeypatch
):
    """Past the window, only the newest matches are ranked: an older title match is not listed."""
    monkeypatch.setattr(search, "RANK_WINDOW", 6)
    author = make_user()
    old = Thread.objects.create(
        board=yeoksam.boards.get(), title="게시판 공지", author=author
    )
    thread = Thread.objects.create(board=yeoksam.boards.get(), title="t", author=author)
    (old_post,) = _posts(old, author, ["게시판 이용 안내"])
    newer = _posts(thread, author, [f"게시판 글 {i}" for i in range(8)])

    def found(limit):
        hits = search.find("게시판", reader=author, limit=limit)
        return [(hit.source.model, hit.object_id) for hit in hits]

    listed = found(4)
    # The old thread's title would rank it first; it is older than the newest six.
    assert (Thread, old.pk) not in listed and (Post, old_post.pk) not in listed
    assert set(listed) <= {(Post, post.pk) for post in newer[-6:]}
    assert len(listed) == 4
    monkeypatch.setattr(search, "RANK_WINDOW", 100)
    assert found(4)[0] == (Thread, old.pk)


def test_matches_a_reader_may_not_see_take_no_place_in_the_window(
    yeoksam, sinsa, make_user, monkeypatch
):
    """The newest matches are hidden or in another association: the older visible ones are still found."""
    monkeypatch.setattr(search, "RANK_WINDOW", 2)
    author = make_user()
    here = Thread.objects.create(board=yeoksam.boards.get(), title="t", author=author)
    there = Thread.objects.create(board=sinsa.boards.get(), title="t", author=author)
    visible = _posts(here, author, ["장터 안내 1", "장터 안내 2"])
    _posts(here, author, ["장터 숨김 1", "장터 숨김 2", "장터 숨김 3"], hidden=True)
    _posts(there, author, ["장터 신사 1", "장터 신사 2", "장터 신사 3"])
    in_yeoksam = search.find("장터", reader=author, dong=_choice("yeoksam-1"))
    assert {(hit.source.model, hit.object_id) for hit in in_yeoksam} == {
        (Post, post.pk) for post in visible
    }


@pytest.mark.postgres
def test_postgresql_never_compiles_a_page_query():
    """JIT compiling cost a search for a common word 1.1 s of its 1.4 s (bench/scale.py): it is off per connection."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
