import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction

from dong.models import (
    DongPage,
    MinutesIndexPage,
    MinutesPage,
    NoticeIndexPage,
    NoticePage,
    StandardPage,
)
from forums.models import Board
from tests.dong.factories import add_event, add_image, add_minutes, add_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def yeoksam(district):
    return next(d for d in district if d.slug == "yeoksam-1")


def test_every_association_has_notice_and_minutes_sections(district):
    for dong in district:
        assert NoticeIndexPage.objects.child_of(dong).live().count() == 1
        assert MinutesIndexPage.objects.child_of(dong).live().count() == 1


def test_page_type_rules_keep_each_kind_in_its_place():
    assert DongPage.can_create_at(NoticeIndexPage.objects.first()) is False
    assert NoticePage.allowed_parent_page_models() == [NoticeIndexPage]
    assert MinutesPage.allowed_parent_page_models() == [MinutesIndexPage]
    assert set(DongPage.allowed_subpage_models()) == {
        NoticeIndexPage,
        MinutesIndexPage,
        StandardPage,
    }


def test_pinned_until_in_the_past_is_refused():
    notice = NoticePage(
        title="x",
        slug="x",
        body="<p>x</p>",
        pinned_until=timezone.localdate() - timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        notice.full_clean()
    assert "pinned_until" in error.value.message_dict


def test_meeting_date_far_in_the_future_is_refused():
    minutes = MinutesPage(
        title="x",
        slug="x",
        meeting_type="regular",
        meeting_date=timezone.localdate() + timedelta(days=800),
    )
    with pytest.raises(ValidationError) as error:
        minutes.full_clean()
    assert "meeting_date" in error.value.message_dict


def test_dong_page_shows_latest_notices_minutes_and_consenting_officers(
    client, yeoksam
):
    add_notice(yeoksam, "봄맞이 대청소 안내")
    yeoksam.officers.create(role="회장", display_name="김회장", show_publicly=True)
    yeoksam.officers.create(role="감사", display_name="비공개위원", show_publicly=False)
    yeoksam.committees.create(
        name="환경분과", purpose="마을 환경 개선", rhythm="매월 첫째 주 월요일"
    )
    yeoksam.save_revision().publish()
    text = client.get(yeoksam.url).text
    assert "봄맞이 대청소 안내" in text
    assert "김회장" in text and "비공개위원" not in text
    assert "환경분과" in text


def test_home_shows_the_latest_notices_from_every_association(client, district):
    add_notice(district[0], "신사동 소식")
    add_notice(district[-1], "세곡동 소식")
    text = client.get("/").text
    assert "신사동 소식" in text and "세곡동 소식" in text


def test_tag_page_lists_notices_across_the_district(client, district):
    add_notice(district[0], "안전 점검 A", tags=["안전"])
    add_notice(district[5], "안전 점검 B", tags=["안전"])
    add_notice(district[6], "다른 소식", tags=["축제"])
    from taggit.models import Tag

    text = client.get(f"/tags/{Tag.objects.get(name='안전').slug}/").text
    assert "안전 점검 A" in text and "안전 점검 B" in text and "다른 소식" not in text


def test_feeds_are_valid_and_per_association(client, district, yeoksam):
    add_notice(yeoksam, "역삼 소식 하나", tags=["안내"])
    add_notice(district[0], "신사 소식 하나")
    district_feed = ET.fromstring(client.get("/feeds/notices/").content)
    titles = [item.findtext("title") for item in district_feed.iter("item")]
    assert "역삼 소식 하나" in titles and "신사 소식 하나" in titles
    dong_feed = ET.fromstring(client.get("/feeds/yeoksam-1/notices/").content)
    assert [item.findtext("title") for item in dong_feed.iter("item")] == [
        "역삼 소식 하나"
    ]
    atom = ET.fromstring(client.get("/feeds/yeoksam-1/notices/atom/").content)
    assert atom.tag.endswith("feed")


def test_api_lists_public_live_pages_only(client, yeoksam):
    add_notice(yeoksam, "공개 공지")
    add_notice(yeoksam, "초안 공지", live=False)
    private = add_notice(yeoksam, "비공개 공지")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )
    data = client.get(
        "/api/v2/pages/",
        {
            "type": "dong.NoticePage",
            "fields": "date,summary,tags",
            "limit": 20,
            "order": "-id",
        },
    ).json()
    titles = {item["title"] for item in data["items"]}
    assert "공개 공지" in titles
    assert "초안 공지" not in titles and "비공개 공지" not in titles
    assert client.get(f"/api/v2/pages/{private.pk}/").status_code == 404


def test_open_data_exports_notices_and_minutes(client, yeoksam):
    add_notice(yeoksam, "내보내기 공지", tags=["자료"])
    payload = json.loads(client.get("/open-data/yeoksam-1.json").content)
    assert payload["code"] == yeoksam.code
    row = next(item for item in payload["items"] if item["title"] == "내보내기 공지")
    assert (
        row["kind"] == "notice" and row["tags"] == ["자료"] and row["url"].endswith("/")
    )
    csv_text = client.get("/open-data/yeoksam-1.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "kind,title,date,url,tags"
    assert "내보내기 공지" in csv_text
    assert client.get("/open-data/yeoksam-1.xml").status_code == 404


def test_sitemap_and_robots(client, yeoksam):
    assert "/yeoksam-1/" in client.get("/sitemap.xml").text
    assert "Sitemap:" in client.get("/robots.txt").text


# Queries for an uncached page, measured in a steady state (after one request
# has filled the Site cache and Wagtail's rendition cache):
#   home   the home page (with its privacy flags), associations, latest
#          notices (named after the associations already read), district
#          boards, upcoming events, open ballots, open proposal cycles
#   dong   the dong page (routing below the cached Site's root, with its
#          privacy flags), notices, minutes, officers with photos, committees,
#          boards, upcoming events, open ballots, open proposal cycles
# (each app above the page adds its section through a slot: one query each)
#   notice one per level below the home page (dong, notice list, notice),
#          attachments with their documents, tags, the older and the newer notice
HOME_BUDGET, DONG_BUDGET, NOTICE_BUDGET = 7, 9, 7


def test_page_query_counts_do_not_grow_with_notices_officers_or_events(
    yeoksam, district, make_user, settings
):
    def counts():
        client = Client()
        urls = {
            "home": "/",
            "dong": yeoksam.url,
            "notice": first.url,
            "notice list": f"{yeoksam.url}notices/",
            "minutes list": f"{yeoksam.url}minutes/",
        }
        for url in urls.values():  # renditions and the Site cache filled
            assert client.get(url).status_code == 200
        result = {}
        for name, url in urls.items():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result[name] = len(queries)
        return result

    first = add_notice(yeoksam, "첫 공지", tags=["안내"])
    add_minutes(yeoksam, "첫 회의록")
    for n in range(5):
        add_notice(district[n], f"공지 {n}")
    few = counts()

    index = NoticeIndexPage.objects.child_of(yeoksam).get()
    for n in range(200):
        index.add_child(
            instance=NoticePage(
                title=f"대량 공지 {n}",
                slug=f"bulk-{n}",
                body="<p>x</p>",
                date=timezone.localdate(),
            )
        )
    for n in range(30):
        add_minutes(yeoksam, f"회의록 {n}", days_ago=n)
    for n in range(10):
        yeoksam.officers.create(
            role="위원",
            display_name=f"위원{n}",
            show_publicly=True,
            photo=add_image(yeoksam.collection, f"위원{n}"),
        )
        yeoksam.committees.create(name=f"분과{n}")
    yeoksam.save_revision().publish()
    leader = make_user(groups=[yeoksam.leaders_group])
    staff = make_user(groups=[Group.objects.get(name="District staff")])
    for n in range(8):
        add_event(leader, yeoksam.boards.get(), f"역삼 행사 {n}", days=n + 1)
        add_event(staff, Board.objects.filter(dong=None).first(), f"구 행사 {n}")
    document = get_document_model().objects.create(
        title="첨부", file=ContentFile(b"x", name="a.pdf")
    )
    first.attachments.create(document=document)
    first.attachments.create(document=document)
    first.tags.add("둘째", "셋째")
    first.save_revision().publish()

    many = counts()
    assert many == few, (few, many)
    if not settings.DONGNE_FAST_ROUTING:
        pytest.skip("the budgets below are fast routing's (DONGNE_FAST_ROUTING=0)")
    assert many == {
        "home": HOME_BUDGET,
        "dong": DONG_BUDGET,
        "notice": NOTICE_BUDGET,
        "notice list": 5,  # dong, list (routing), pinned, count, one page of 20
        "minutes list": 4,  # dong, list (routing), count, one page of 20
    }


def test_upcoming_events_block_shows_this_associations_next_dates(
    client, district, yeoksam, make_user
):
    sinsa = district[0]
    leader = make_user(groups=[yeoksam.leaders_group])
    ours = [
        add_event(leader, yeoksam.boards.get(), f"역삼 행사 {n}", days=n + 1)
        for n in range(3)
    ]
    add_event(
        make_user(groups=[sinsa.leaders_group]),
        sinsa.boards.get(),
        "신사 행사",
        days=1,
    )
    yeoksam.body = [("upcoming_events", {"count": 2})]
    yeoksam.save_revision().publish()

    text = client.get(yeoksam.url).text
    block = text[text.index('<div class="stream"') :]
    block = block[: block.index("</section>")]
    assert "다가오는 행사" in block  # the block's heading, in Korean
    assert ours[0].title in block and ours[1].title in block
    assert ours[2].title not in block  # the block shows two
    assert "신사 행사" not in text  # another association's event, nowhere
    assert f'href="{ours[0].get_absolute_url()}"' in block
    assert '<time datetime="' in block
    # The leader placed the list: the page does not repeat it in its own section.
    assert text.count(ours[0].title) == 1


def test_upcoming_events_block_says_so_when_there_are_none(client, yeoksam):
    yeoksam.body = [("upcoming_events", {"count": 5})]
    yeoksam.save_revision().publish()
    text = client.get(yeoksam.url).text
    block = text[text.index('<div class="stream"') :]
    assert "예정된 행사가 없습니다." in block[: block.index("</section>")]
