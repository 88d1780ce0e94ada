"""Markup a validator or a screen reader trips over: times, help texts, duplicated links, page shell."""

import datetime
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.contrib.staticfiles import finders

from district.templatetags.dongne import isotime
from forums import services as forum_services
from forums.models import Board

pytestmark = pytest.mark.django_db

# HTML's "valid global date and time string" / "valid date string" (at most 3 fraction digits).
HTML_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$"
)
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class Checker(HTMLParser):
    """Collects ids, their text, `aria-describedby` targets, <time datetime> values and stray end tags."""

    def __init__(self):
        super().__init__()
        self.stack, self.stray, self.times, self.described = [], [], [], []
        self.text_of: dict[str, str] = {}
        self.open_ids: list[tuple[str, int]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "time" and "datetime" in attrs:
            self.times.append(attrs["datetime"])
        if attrs.get("aria-describedby"):
            self.described += attrs["aria-describedby"].split()
        if tag == "p" and self.stack and self.stack[-1] == "p":
            self.stack.pop()  # a <p> closes an open <p>
        if tag in ("ul", "ol", "div", "table") and "p" in self.stack:
            while self.stack and self.stack[-1] != "p":
                self.stack.pop()
            self.stack.pop()  # block content closes an open <p>, as browsers do
        if tag not in VOID:
            self.stack.append(tag)
            if "id" in attrs:
                self.open_ids.append((attrs["id"], len(self.stack)))
                self.text_of[attrs["id"]] = ""

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag not in self.stack:
            self.stray.append(tag)
            return
        while self.stack and self.stack.pop() != tag:
            pass
        self.open_ids = [
            (i, depth) for i, depth in self.open_ids if depth <= len(self.stack)
        ]

    def handle_data(self, data):
        for element_id, _depth in self.open_ids:
            self.text_of[element_id] += data


def check(html: str) -> Checker:
    checker = Checker()
    checker.feed(html)
    return checker


def test_isotime_has_no_microseconds_and_is_in_seoul_time():
    moment = datetime.datetime(2026, 11, 30, 5, 6, 7, 891234, tzinfo=datetime.UTC)
    assert isotime(moment) == "2026-11-30T14:06:07+09:00"
    assert isotime(datetime.date(2026, 11, 30)) == "2026-11-30"
    assert isotime(None) == ""
    assert HTML_DATETIME.match(isotime(datetime.datetime.now(ZoneInfo("Asia/Seoul"))))


def test_every_time_on_a_thread_page_is_valid_html(client, district, make_user):
    board = Board.objects.get(slug="yeoksam-1")
    thread = forum_services.thread_create(
        author=make_user(),
        board=board,
        title="주차 문제",
        body="의견 주세요",
        enforce_limits=False,
    )
    page = check(client.get(thread.get_absolute_url()).text)
    board_page = check(client.get(board.get_absolute_url()).text)
    times = page.times + board_page.times
    assert times
    assert [t for t in times if not HTML_DATETIME.match(t)] == []


def test_sign_up_page_has_no_stray_end_tag_and_no_empty_description(client, district):
    page = check(client.get("/accounts/signup/").text)
    assert page.stray == []
    assert page.described
    for element_id in page.described:
        assert page.text_of.get(element_id, "").strip(), element_id


def test_sign_in_page_offers_the_password_reset_once(client, district):
    text = client.get("/accounts/login/").text
    assert text.count('href="/accounts/password/reset/"') == 1
    page = check(text)
    assert page.stray == []
    for element_id in page.described:
        assert page.text_of.get(element_id, "").strip(), element_id


def test_page_shell_links_favicon_print_styles_and_error_focus_script(client, district):
    text = client.get("/").text
    for path in (
        "district/favicon.svg",
        "district/css/print.css",
        "district/js/form-errors.js",
    ):
        assert f"/static/{path}" in text
        assert finders.find(path), path
    assert '<link rel="icon"' in text and 'media="print"' in text
    description = re.search(r'<meta name="description" content="([^"]*)"', text)
    assert description and description.group(1).strip()
    assert "<script>" not in text  # the focus script is a file (CSP)
