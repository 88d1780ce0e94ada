"""Atom feeds a reader accepts, dated as the notice page is; links between notices and minutes."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import formats

from tests.dong.factories import add_minutes, add_notice

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def yeoksam(district):
    return next(d for d in district if d.slug == "yeoksam-1")


def test_atom_entries_have_updated_author_and_the_notice_page_date(client, yeoksam):
    notice = add_notice(
        yeoksam, "도서관 휴관 안내", days_ago=40
    )  # published today, dated 40 days ago
    for url in (f"/feeds/{yeoksam.slug}/notices/atom/", "/feeds/notices/atom/"):
        feed = ET.fromstring(client.get(url).content)
        assert feed.find(f"{ATOM}updated") is not None
        assert feed.find(f"{ATOM}author/{ATOM}name").text
        entry = next(
            e
            for e in feed.iter(f"{ATOM}entry")
            if e.find(f"{ATOM}title").text == notice.title
        )
        assert entry.find(f"{ATOM}updated") is not None
        assert entry.find(f"{ATOM}published").text.startswith(notice.date.isoformat())
        assert entry.find(f"{ATOM}author/{ATOM}name").text == yeoksam.title


def test_association_and_notice_list_link_their_atom_feed(client, yeoksam):
    add_notice(yeoksam, "주민총회 안내")
    atom = f'href="/feeds/{yeoksam.slug}/notices/atom/"'
    for url in (yeoksam.url, f"{yeoksam.url}notices/"):
        text = client.get(url).text
        assert 'type="application/atom+xml"' in text
        assert text.count(atom) == 2  # in <head> and beside the RSS link


def test_notice_links_to_older_newer_and_its_list_and_skips_drafts(client, yeoksam):
    old = add_notice(yeoksam, "첫째 소식", days_ago=3)
    add_notice(yeoksam, "임시 저장 소식", days_ago=2, live=False)
    middle = add_notice(yeoksam, "둘째 소식", days_ago=2)
    new = add_notice(yeoksam, "셋째 소식", days_ago=1)

    text = client.get(middle.url).text
    pager = text[text.index('class="doc-pager"') :]
    assert f'href="{old.url}" rel="next"' in pager and "첫째 소식" in pager
    assert f'href="{new.url}" rel="prev"' in pager and "셋째 소식" in pager
    assert f'href="{yeoksam.url}notices/"' in pager
    assert "임시 저장 소식" not in pager
    assert formats.date_format(middle.date, "DATE_FORMAT") in text


def test_minutes_link_to_the_previous_meeting_and_the_list(client, yeoksam):
    earlier = add_minutes(yeoksam, "10월 정기회의", days_ago=30)
    latest = add_minutes(yeoksam, "11월 정기회의", days_ago=1)
    text = client.get(latest.url).text
    pager = text[text.index('class="doc-pager"') :]
    assert f'href="{earlier.url}" rel="next"' in pager
    assert 'rel="prev"' not in pager
    assert f'href="{yeoksam.url}minutes/"' in pager
