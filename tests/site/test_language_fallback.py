"""A string missing from a non-Korean catalogue shows in English (the source), never in Korean (the default language)."""

import html
import re

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db

HANGUL = re.compile("[가-힣]")
LANGUAGE_NAME = "한국어"  # the switcher names Korean in Korean, in every interface


def visible_lines(response) -> list[str]:
    text = re.sub(
        r"<script.*?</script>|<style.*?</style>",
        "",
        response.content.decode(),
        flags=re.DOTALL,
    )
    text = html.unescape(re.sub(r"<[^>]+>", "\n", text))
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("language", ["en", "vi", "zh-hans", "ja"])
def test_account_pages_show_no_korean_interface_text(
    client, district, settings, language
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = [
        client.get("/accounts/login/"),
        client.get("/accounts/password/reset/"),
        client.get("/accounts/signup/"),
        client.post(  # the login error
            "/accounts/login/",
            {"login": "nobody@example.org", "password": "wrong-password-1"},
        ),
        client.post("/accounts/password/reset/", {"email": "not an address"}),
    ]
    for response in pages:
        assert response.status_code == 200
        korean = [
            line
            for line in visible_lines(response)
            if HANGUL.search(line.replace(LANGUAGE_NAME, ""))
        ]
        assert korean == [], (response.request["PATH_INFO"], korean)


def test_a_string_missing_from_the_vietnamese_catalogue_falls_back_to_english():
    # django-allauth has no Vietnamese catalogue; its Korean one has this string.
    with translation.override("ko"):
        assert HANGUL.search(translation.gettext("Remember Me"))
    with translation.override("vi"):
        assert not HANGUL.search(translation.gettext("Remember Me"))


def test_wagtails_reports_menu_is_not_labelled_like_residents_reports():
    """Residents' reports of posts are 신고; Wagtail's admin "Reports" menu must not say the same."""
    with translation.override("ko"):
        assert translation.gettext("Reports") != "신고"
        assert (
            translation.pgettext("number of reports on a post", "Reports") != "리포트"
        )
