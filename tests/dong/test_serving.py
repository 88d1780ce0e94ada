"""Serving pages in fewer queries changes no answer: routing, privacy and Sites behave as Wagtail's."""

import pytest
from wagtail.models import Page, PageViewRestriction, Site

from dong.models import NoticeIndexPage, StandardPage
from tests.dong.factories import add_minutes, add_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def yeoksam(district):
    return next(d for d in district if d.slug == "yeoksam-1")


def restrict(page, group=None):
    if group is None:
        return PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.LOGIN
        )
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    return restriction


def test_private_and_draft_notices_and_minutes_are_listed_nowhere(
    client, district, yeoksam
):
    add_notice(yeoksam, "공개 공지 하나", tags=["공통"])
    add_notice(yeoksam, "초안 공지 비밀", tags=["공통"], live=False)
    restrict(
        add_notice(yeoksam, "임원 공지 비밀", tags=["공통"]), yeoksam.leaders_group
    )
    add_minutes(yeoksam, "공개 회의록 하나")
    add_minutes(yeoksam, "초안 회의록 비밀", live=False)
    restrict(add_minutes(yeoksam, "로그인 회의록 비밀"))
    # A restriction on a section hides what is below it too.
    other = district[0]
    restrict(NoticeIndexPage.objects.child_of(other).get(), other.leaders_group)
    add_notice(other, "섹션 비공개 공지 비밀", tags=["공통"])

    from taggit.models import Tag

    urls = [
        "/",
        yeoksam.url,
        f"{yeoksam.url}notices/",
        f"{yeoksam.url}minutes/",
        f"/tags/{Tag.objects.get(name='공통').slug}/",
        "/feeds/notices/",
        "/feeds/yeoksam-1/notices/",
        "/open-data/yeoksam-1.json",
        "/open-data/yeoksam-1.csv",
    ]
    seen = ""
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode("utf-8-sig")
        assert "비밀" not in text, url
        seen += text
    assert "공개 공지 하나" in seen and "공개 회의록 하나" in seen


def test_a_page_below_a_private_section_asks_to_sign_in(client, district, make_user):
    dong = district[0]
    index = NoticeIndexPage.objects.child_of(dong).get()
    restrict(index, dong.leaders_group)
    notice = add_notice(dong, "섹션 안의 공지")
    response = client.get(notice.url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(make_user(groups=[dong.leaders_group]))
    assert "섹션 안의 공지" in client.get(notice.url).content.decode()
    client.force_login(make_user())
    assert "섹션 안의 공지" not in client.get(notice.url).content.decode()


def routed(url: str):
    from django.test import RequestFactory

    request = RequestFactory().get(url)
    return Page.route_for_request(request, url)[0]


def test_view_restrictions_found_by_routing_are_wagtails(district, yeoksam):
    """For routed pages, with and without restrictions and aliases, the same rows as Wagtail's method."""
    index = NoticeIndexPage.objects.child_of(yeoksam).get()
    plain = add_notice(yeoksam, "제한 없음")
    own = add_notice(yeoksam, "자기 제한")
    restrict(own)
    other = district[0]
    other_index = NoticeIndexPage.objects.child_of(other).get()
    restrict(other_index, other.leaders_group)
    below = add_notice(other, "섹션 아래")
    # An alias of the private section, under a public association: it follows its source.
    alias = other_index.create_alias(parent=yeoksam, update_slug="alias-notices")
    pages = [yeoksam, index, plain, own, other_index, below, alias]
    for page in pages:
        found = routed(page.url)
        assert found.pk == page.pk and type(found) is type(page.specific)
        assert set(found.get_view_restrictions()) == set(
            Page.get_view_restrictions(Page.objects.get(pk=page.pk))
        ), page.title
    assert not routed(plain.url).get_view_restrictions()
    assert routed(alias.url).get_view_restrictions()


def test_routing_serves_every_kind_of_child_and_refuses_drafts_and_unknown_slugs(
    client, yeoksam
):
    programme = StandardPage(title="프로그램 안내", slug="programmes")
    yeoksam.add_child(instance=programme)
    programme.save_revision().publish()
    # A page type the rules would not offer here (made in code): still served, as Wagtail would.
    index = NoticeIndexPage.objects.child_of(yeoksam).get()
    odd = StandardPage(title="규칙 밖의 페이지", slug="odd-one")
    index.add_child(instance=odd)
    odd.save_revision().publish()
    draft = add_notice(yeoksam, "아직 초안", live=False)

    assert "프로그램 안내" in client.get("/yeoksam-1/programmes/").content.decode()
    assert "규칙 밖의 페이지" in client.get("/yeoksam-1/notices/odd-one/").text
    assert client.get(draft.url).status_code == 404
    assert client.get("/yeoksam-1/no-such-page/").status_code == 404
    assert client.get("/yeoksam-1/notices/no-such/deeper/").status_code == 404


def test_a_changed_site_is_served_at_once(client, yeoksam, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "yeoksam.example.org"]
    host = {"HTTP_HOST": "yeoksam.example.org"}
    home = client.get("/", **host).content.decode()  # the default site, now cached
    assert "역삼1동 주민자치회" not in home
    site = Site.objects.create(hostname="yeoksam.example.org", root_page=yeoksam)
    assert "역삼1동 주민자치회" in client.get("/", **host).content.decode()
    site.delete()
    assert "역삼1동 주민자치회" not in client.get("/", **host).content.decode()


def test_a_site_rooted_at_any_page_type_serves_its_root_fresh(
    client, yeoksam, settings
):
    from dong.models import NoticePage

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "notice.example.org"]
    host = {"HTTP_HOST": "notice.example.org"}
    notice = add_notice(yeoksam, "한 공지만 보이는 사이트")
    Site.objects.create(hostname="notice.example.org", root_page=notice)
    assert "한 공지만 보이는 사이트" in client.get("/", **host).content.decode()
    NoticePage.objects.filter(pk=notice.pk).update(title="제목이 바뀐 공지")
    assert "제목이 바뀐 공지" in client.get("/", **host).content.decode()


def test_the_home_page_is_read_fresh_even_while_its_site_is_cached(client, district):
    """The cached Site routes below the home page; the home page itself is always read from the database."""
    from district.models import DistrictHomePage

    assert client.get("/").status_code == 200  # the Site is now cached
    home = DistrictHomePage.objects.get()
    # Changed without any signal, as another process's write would look from here.
    DistrictHomePage.objects.filter(pk=home.pk).update(
        introduction="<p>새 소개 문장입니다</p>", live=True
    )
    assert "새 소개 문장입니다" in client.get("/").content.decode()
    DistrictHomePage.objects.filter(pk=home.pk).update(live=False)
    assert client.get("/").status_code == 404
