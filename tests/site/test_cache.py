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


def _restrict(page, restriction_type, **fields):
    from wagtail.models import PageViewRestriction

    return PageViewRestriction.objects.create(
        page=page, restriction_type=restriction_type, **fields
    )


def test_a_page_made_private_leaves_the_anonymous_cache_at_once(cached, district):
    from wagtail.models import PageViewRestriction

    dong = district[0]
    client = Client()
    client.get(dong.url)
    assert client.get(dong.url)["X-Dongne-Cache"] == "hit"

    restriction = _restrict(dong, PageViewRestriction.LOGIN)
    response = client.get(dong.url)
    assert response.status_code == 302 and "login" in response["Location"]

    restriction.restriction_type = PageViewRestriction.GROUPS
    restriction.save()
    restriction.groups.add(dong.leaders_group)
    assert client.get(dong.url).status_code == 302

    restriction.delete()
    public = client.get(dong.url)
    assert public.status_code == 200 and "X-Dongne-Cache" not in public


def test_restricting_a_section_refreshes_the_cached_pages_below_it(cached, district):
    from wagtail.models import PageViewRestriction

    from tests.dong.factories import add_notice

    dong = district[0]
    notice = add_notice(dong, "섹션 아래 공지")
    client = Client()
    client.get(notice.url)
    assert client.get(notice.url)["X-Dongne-Cache"] == "hit"
    _restrict(NoticeIndexPage.objects.child_of(dong).get(), PageViewRestriction.LOGIN)
    assert client.get(notice.url).status_code == 302


def test_changing_a_group_or_collection_restriction_refreshes_cached_pages(
    cached, district
):
    from django.contrib.auth.models import Group
    from wagtail.models import CollectionViewRestriction, PageViewRestriction

    dong = district[0]
    client = Client()

    def served_fresh() -> bool:
        return "X-Dongne-Cache" not in client.get(dong.url)

    restriction = _restrict(
        NoticeIndexPage.objects.child_of(dong).get(), PageViewRestriction.GROUPS
    )
    client.get(dong.url)
    assert not served_fresh()
    restriction.groups.add(dong.leaders_group)
    assert served_fresh() and not served_fresh()
    restriction.groups.remove(dong.leaders_group)
    assert served_fresh() and not served_fresh()

    collection = CollectionViewRestriction.objects.create(
        collection=dong.collection,
        restriction_type=CollectionViewRestriction.GROUPS,
    )
    assert served_fresh() and not served_fresh()
    collection.groups.set([Group.objects.get(name="District staff")])
    assert served_fresh() and not served_fresh()
    collection.delete()
    assert served_fresh()


def test_a_password_protected_page_is_never_cached_and_each_visitor_can_unlock_it(
    cached, district
):
    import re

    from wagtail.models import PageViewRestriction

    from tests.dong.factories import add_notice

    notice = add_notice(district[0], "암호 공지 본문")
    _restrict(notice, PageViewRestriction.PASSWORD, password="mullae-42")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    forms = []
    for visitor in (first, second):
        form = visitor.get(notice.url)
        assert form.status_code == 200 and "X-Dongne-Cache" not in form
        assert "암호 공지 본문" not in form.text
        forms.append(form)
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.search(forms[0].text).group(1) != token.search(forms[1].text).group(1)

    action = re.search(r'<form[^>]*action="([^"]+)"', forms[1].text).group(1)
    unlocked = second.post(
        action,
        {
            "csrfmiddlewaretoken": token.search(forms[1].text).group(1),
            "password": "mullae-42",
            "return_url": notice.url,
        },
    )
    assert unlocked.status_code == 302
    assert "암호 공지 본문" in second.get(notice.url).text
    # The visitor who never gave the password still gets the form, not the page.
    assert "암호 공지 본문" not in first.get(notice.url).text


def test_a_page_whose_rendering_used_the_csrf_token_is_not_stored():
    from django.http import HttpResponse
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    from district.cache import cacheable

    request = RequestFactory().get("/")
    plain = HttpResponse("page")
    assert cacheable(request, plain)
    get_token(request)
    assert not cacheable(request, HttpResponse("page with a form"))


def test_a_page_that_wrote_to_the_visitors_session_is_not_stored():
    from django.contrib.sessions.backends.cache import SessionStore
    from django.http import HttpResponse
    from django.test import RequestFactory

    from district.cache import cacheable

    request = RequestFactory().get("/")
    request.session = SessionStore()
    assert cacheable(request, HttpResponse("page"))
    request.session["seen"] = True
    assert not cacheable(request, HttpResponse("page that remembers this visitor"))
