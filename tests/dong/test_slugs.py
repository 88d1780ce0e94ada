"""Pages titled in any of the five languages get readable, unique ASCII addresses, in the admin and on the server."""

import pytest
from django.test import Client

from district.slugs import readable_slug
from dong.models import NoticeIndexPage, NoticePage
from tests.dong.test_admin_publishing import (
    add_page_url,
    notice_form,
    signed_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def yeoksam(district):
    return next(d for d in district if d.slug == "yeoksam-1")


@pytest.fixture
def leader(make_user, yeoksam):
    return make_user(email="leader.slugs@example.org", groups=[yeoksam.leaders_group])


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("주민총회 결과 보고", "juminchonghoe-gyeolgwa-bogo"),
        ("Resident assembly results", "resident-assembly-results"),
        ("越南居民交流会", "yuenanjuminjiaoliuhui"),
        ("Họp dân phố tháng 12", "hop-dan-pho-thang-12"),
        ("住民総会のお知らせ", "zhuminzonghuinoozhirase"),
    ],
)
def test_titles_in_the_five_languages_romanise(title, slug):
    assert readable_slug(title) == slug


def test_a_title_with_nothing_to_romanise_gets_the_date():
    assert readable_slug("★☆★").count("-") == 2  # 2026-11-30


def test_two_all_korean_notices_with_the_same_title_both_publish_through_the_admin(
    yeoksam, leader
):
    client = signed_in(leader)
    index = NoticeIndexPage.objects.child_of(yeoksam).get()
    urls = []
    for _ in range(2):
        # What the admin's browser field proposed for an all-Korean title before: hyphens only.
        data = notice_form(client, index, title="주민총회 결과 보고", slug="--")
        data["action-publish"] = "action-publish"
        response = client.post(add_page_url(NoticePage, index), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        urls.append(NoticePage.objects.latest("pk").url)
    assert urls == [
        "/yeoksam-1/notices/juminchonghoe-gyeolgwa-bogo/",
        "/yeoksam-1/notices/juminchonghoe-gyeolgwa-bogo-2/",
    ]
    visitor = Client()
    for url in urls:
        assert visitor.get(url).status_code == 200
    assert yeoksam.slug == "yeoksam-1"  # association pages keep their ASCII slugs


def test_an_empty_slug_is_made_from_the_title_in_the_admin(yeoksam, leader):
    client = signed_in(leader)
    index = NoticeIndexPage.objects.child_of(yeoksam).get()
    data = notice_form(client, index, title="Họp dân phố tháng 12", slug="")
    data["action-publish"] = "action-publish"
    response = client.post(add_page_url(NoticePage, index), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert NoticePage.objects.filter(slug="hop-dan-pho-thang-12").exists()


def test_a_slug_the_leader_typed_is_kept(yeoksam, leader):
    client = signed_in(leader)
    index = NoticeIndexPage.objects.child_of(yeoksam).get()
    data = notice_form(client, index, title="주민총회 결과 보고", slug="assembly-2026")
    data["action-publish"] = "action-publish"
    assert client.post(add_page_url(NoticePage, index), data).status_code == 302
    assert NoticePage.objects.filter(slug="assembly-2026").exists()


def test_pages_made_in_code_get_readable_slugs_too(yeoksam):
    index = NoticeIndexPage.objects.child_of(yeoksam).get()
    first = index.add_child(
        instance=NoticePage(title="정기회의 안내", slug="--", body="<p>12월</p>")
    )
    second = index.add_child(
        instance=NoticePage(title="정기회의 안내", body="<p>1월</p>")
    )
    assert (first.slug, second.slug) == (
        "jeonggihoeui-annae",
        "jeonggihoeui-annae-2",
    )


def test_the_editor_asks_the_server_for_the_romanised_slug(yeoksam, leader):
    client = signed_in(leader)
    index = NoticeIndexPage.objects.child_of(yeoksam).get()
    page = client.get(add_page_url(NoticePage, index)).content.decode()
    assert "district/js/admin-slug.js" in page and "data-dongne-slugify-url" in page
    response = client.get("/admin/dongne/slugify/", {"title": "주민총회 결과 보고"})
    assert response.json() == {"slug": "juminchonghoe-gyeolgwa-bogo"}
    assert Client().get("/admin/dongne/slugify/", {"title": "x"}).status_code == 302
