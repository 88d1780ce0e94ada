import pytest
from django.test import Client

from dong.models import NoticeIndexPage, NoticePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.PAGE_CACHE_SECONDS = 60
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_anonymous_readers_get_the_cached_page_until_a_publish(
    cached, district, django_assert_num_queries
):
    dong = district[0]
    client = Client()
    first = client.get(dong.url)
    assert "X-Dongne-Cache" not in first
    with django_assert_num_queries(0):
        second = client.get(dong.url)
    assert second["X-Dongne-Cache"] == "hit"
    assert second.content == first.content

    index = NoticeIndexPage.objects.child_of(dong).get()
    notice = NoticePage(title="방금 게시한 공지", slug="fresh", body="<p>x</p>")
    index.add_child(instance=notice)
    notice.save_revision().publish()
    fresh = client.get(dong.url)
    assert "X-Dongne-Cache" not in fresh
    assert "방금 게시한 공지" in fresh.text


def test_each_language_is_cached_separately(cached, district):
    dong = district[0]
    korean, english = Client(), Client()
    english.cookies["django_language"] = "en"
    korean.get(dong.url)
    english.get(dong.url)
    assert '<html lang="en">' in english.get(dong.url).text
    assert '<html lang="ko">' in korean.get(dong.url).text


def test_signed_in_pages_are_never_cached_or_served_from_cache(
    cached, district, make_user
):
    dong = district[0]
    Client().get(dong.url)
    client = Client()
    client.force_login(make_user(display_name="개인화"))
    response = client.get(dong.url)
    assert "X-Dongne-Cache" not in response
    assert 'href="/accounts/profile/"' in response.text
    assert 'href="/accounts/profile/"' not in Client().get(dong.url).text


def test_language_switch_works_from_a_cached_page_without_a_token(cached, district):
    client = Client(enforce_csrf_checks=True)
    client.get(district[0].url)
    response = client.post("/language/", {"language": "ja", "next": district[0].url})
    assert response.status_code == 302
    assert client.get(district[0].url).text.count('<html lang="ja">') == 1


def test_signed_in_language_switch_needs_the_csrf_token(district, make_user):
    client = Client(enforce_csrf_checks=True)
    user = make_user()
    client.force_login(user)
    assert client.post("/language/", {"language": "ja"}).status_code == 403
    user.profile.refresh_from_db()
    assert user.profile.language != "ja"
