"""No non-Korean interface shows Korean interface text: our Korean catalogue's sentences never appear in them.

User content and place names are Korean on purpose, so the test does not look
for Hangul; it looks for the Korean translations of our own interface strings,
which can only be there if a string fell back to Korean or was hard-coded.
"""

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client

from forums.models import Board
from forums.services import thread_create

pytestmark = pytest.mark.django_db
HANGUL = re.compile("[가-힣]")


@cache
def korean_interface_sentences() -> frozenset[str]:
    """Our Korean translations that are sentences or phrases (at least 6 Hangul letters): never user content."""
    path = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES" / "django.po"
    with path.open("rb") as po:
        catalog = read_po(po)
    found = set()
    for message in catalog:
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        for text in strings:
            text = re.sub(r"%\(\w+\)[sd]|\{[^}]*\}|<[^>]+>", "\n", text or "")
            for piece in text.splitlines():
                piece = piece.strip()
                if len(HANGUL.findall(piece)) >= 6:
                    found.add(piece)
    return frozenset(found)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.hidden += 1
        self.parts.extend(
            v for k, v in attrs if k in ("aria-label", "placeholder", "title") and v
        )

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def korean_chrome(page: str) -> list[str]:
    parser = _Text()
    parser.feed(page)
    text = " ".join(" ".join(parser.parts).split())
    return sorted(s for s in korean_interface_sentences() if s in text)


@pytest.mark.parametrize("language", ["en", "zh-hans", "vi", "ja"])
def test_main_and_account_pages_show_no_korean_interface_text(
    district, make_user, language
):
    assert len(korean_interface_sentences()) > 200  # the catalogue is read
    author = make_user()
    board = Board.objects.filter(dong=district[0]).get()
    thread = thread_create(
        author=author,
        board=board,
        title="주민총회 준비 모임",
        body="장소와 시간을 정해요.",
    )
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = [
        "/",
        district[0].url,
        "/forums/",
        board.get_absolute_url(),
        thread.get_absolute_url(),
        "/events/",
        "/events/calendar/",
        "/search/?q=회의",
        "/proposals/",
        "/votes/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ]
    problems = {}
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        found = korean_chrome(response.content.decode())
        if found:
            problems[url] = found
    assert problems == {}
