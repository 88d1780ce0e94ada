"""A Korean leader's admin screens speak Korean: no English chrome (names such as Wagtail, PDF and CSV aside)."""

import json
import re
from html.parser import HTMLParser
from typing import ClassVar

import pytest
from django.test import Client

from dong.models import NoticeIndexPage, NoticePage
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ALLOWED = {
    "Wagtail",
    "PDF",
    "CSV",
    "URL",
    "SEO",
    "RSS",
    "Atom",
    "ICS",
    "HTML",
    "ID",
    "OK",
}
# The example address in the slug's help text (http://domain.com/blog/[my-slug]/).
ALLOWED |= {"http", "domain", "com", "blog", "my", "slug", "footer"}
# Wagtail 8 hard-codes `<nav aria-label="Actions">` (wagtailadmin/shared/headers/_actions.html)
# and the breadcrumbs' "None" class; neither has a msgid to translate.
ALLOWED |= {"Actions", "None"}
# Runs of two or more Latin letters, with inner spaces: an English word or phrase.
ENGLISH = re.compile(r"[A-Za-z][A-Za-z'’ -]*[A-Za-z]")


class _Text(HTMLParser):
    """Text nodes outside script, style and template, and the placeholders and labels a person reads."""

    HIDDEN: ClassVar[set[str]] = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1
        for name, value in attrs:
            if name in ("placeholder", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.parts.append(data)


def visible_text(page: str) -> str:
    """What a person reads, and the sidebar's menu labels (rendered by Wagtail's JavaScript from JSON)."""
    parser = _Text()
    parser.feed(page)
    sidebar = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        page,
        re.DOTALL,
    )
    labels = (
        re.findall(r'"label":\s*"((?:[^"\\]|\\.)*)"', sidebar.group(1))
        if sidebar
        else []
    )
    return "\n".join([*parser.parts, *(json.loads(f'"{label}"') for label in labels)])


def english_in(page: str, own_words: set[str]) -> set[str]:
    found = set()
    for line in visible_text(page).splitlines():
        for run in ENGLISH.findall(line):
            words = {w for w in re.split(r"[\s'’-]+", run) if len(w) > 1}
            if words - ALLOWED - own_words:
                found.add(run)
    return found


@pytest.fixture
def yeoksam(district):
    return next(d for d in district if d.slug == "yeoksam-1")


def test_a_korean_leaders_main_admin_screens_have_no_english_chrome(yeoksam, make_user):
    leader = make_user(email="leader.ko@example.org", groups=[yeoksam.leaders_group])
    client = Client()
    client.cookies["django_language"] = "ko"
    assert client.login(username=leader.username, password=TEST_PASSWORD)
    index = NoticeIndexPage.objects.child_of(yeoksam).get()
    notice = index.add_child(
        instance=NoticePage(title="주민총회 안내", body="<p>본문</p>")
    )
    # The leader's own data (address, slugs, names in the data file) may be Latin.
    own = {
        "leader",
        "ko",
        "example",
        "org",
        "yeoksam",
        *yeoksam.name_en.replace("-", " ").split(),
    }
    screens = [
        "/admin/",
        f"/admin/pages/{yeoksam.pk}/",
        f"/admin/pages/{index.pk}/",
        f"/admin/pages/add/dong/noticepage/{index.pk}/",
        f"/admin/pages/{notice.pk}/edit/",
        f"/admin/pages/{notice.pk}/history/",
        "/admin/documents/",
        "/admin/images/",
    ]
    problems = {}
    for url in screens:
        response = client.get(url)
        assert response.status_code == 200, url
        english = english_in(response.content.decode(), own)
        if english:
            problems[url] = sorted(english)
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)
