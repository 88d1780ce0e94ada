"""Content-Security-Policy and Permissions-Policy: strict on the public site, looser for Wagtail's admin, violations logged."""

import json
import logging
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from district.roles import STAFF_GROUP_NAME
from forums import services
from forums.models import Board

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.fixture
def thread(district, make_user):
    author = make_user()
    author.date_joined = timezone.now() - timedelta(days=30)
    author.save(update_fields=["date_joined"])
    board = Board.objects.filter(dong=district[0]).first()
    return services.thread_create(
        author=author, board=board, title="정책 점검", body="**굵게** 본문"
    )


def public_pages(district, thread) -> list[str]:
    return [
        "/",
        district[0].url,
        reverse("forums:boards"),
        thread.get_absolute_url(),
        reverse("events:index"),
        reverse("events:calendar"),
        reverse("search") + "?q=x",
        reverse("account_login"),
        reverse("account_signup"),
    ]


class InlineCode(HTMLParser):
    """Collects what a strict policy would block: inline scripts, event-handler attributes, style."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        inline = tag == "script" and not attrs.get("src")
        if inline and attrs.get("type") != "application/json":
            self.found.append(f"inline <script> {attrs}")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")


def test_public_pages_send_a_policy_without_unsafe_inline(client, district, thread):
    for url in public_pages(district, thread):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["report-uri"] == ["/csp-report/"]
        permissions = response["Permissions-Policy"]
        assert "camera=()" in permissions and "geolocation=()" in permissions


def test_public_pages_carry_no_inline_script_handler_or_style(
    client, district, thread, make_user
):
    for signed_in in (False, True):
        if signed_in:
            client.force_login(make_user())
        for url in public_pages(district, thread):
            parser = InlineCode()
            parser.feed(client.get(url).text)
            assert parser.found == [], (url, signed_in)


def test_a_cached_page_keeps_its_policy(client, district, settings):
    settings.PAGE_CACHE_SECONDS = 60
    first, second = client.get(district[0].url), client.get(district[0].url)
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "Permissions-Policy" in second


def test_the_admin_gets_its_own_looser_policy(client, make_user):
    from django.contrib.auth.models import Group

    staff = make_user(groups=[Group.objects.get(name=STAFF_GROUP_NAME)])
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "Permissions-Policy" in response
    # Leaving the admin, the strict policy again.
    public = directives(client.get("/")["Content-Security-Policy"])
    assert public["script-src"] == ["'self'"]


def report(client, payload, content_type="application/csp-report"):
    return client.post(
        reverse("csp_report"),
        data=payload if isinstance(payload, str) else json.dumps(payload),
        content_type=content_type,
    )


def test_a_violation_report_is_logged(caplog):
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="district.csp"):
        response = report(
            client,
            {
                "csp-report": {
                    "document-uri": "https://dongne.example.org/yeoksam-1/",
                    "violated-directive": "script-src-elem",
                    "effective-directive": "script-src-elem",
                    "blocked-uri": "inline",
                    "source-file": "https://dongne.example.org/yeoksam-1/",
                    "line-number": 12,
                }
            },
        )
        reporting_api = report(
            client,
            [
                {
                    "type": "csp-violation",
                    "body": {
                        "documentURL": "https://dongne.example.org/",
                        "effectiveDirective": "img-src",
                        "blockedURL": "https://tracker.example/pixel.gif",
                    },
                }
            ],
            content_type="application/reports+json",
        )
    assert response.status_code == 204 and reporting_api.status_code == 204
    messages = [record.getMessage() for record in caplog.records]
    assert any(
        "script-src-elem" in m and "/yeoksam-1/" in m and ":12" in m for m in messages
    )
    assert any("tracker.example" in m for m in messages)


def test_oversized_malformed_and_non_post_reports_are_refused(client, caplog):
    with caplog.at_level(logging.WARNING, logger="district.csp"):
        big = report(client, {"csp-report": {"blocked-uri": "x" * 20_000}})
        broken = report(client, "{not json")
        get = client.get(reverse("csp_report"))
    assert big.status_code == 413
    assert broken.status_code == 400
    assert get.status_code == 405
    assert not [r for r in caplog.records if r.name == "district.csp"]


def test_a_flood_of_reports_logs_at_most_the_budget(client, caplog, settings):
    settings.DONGNE_CSP_REPORT_LOG_PER_MINUTE = 5
    from district import csp

    csp._budget.__init__()
    with caplog.at_level(logging.WARNING, logger="district.csp"):
        for n in range(40):
            report(client, {"csp-report": {"blocked-uri": f"https://x.example/{n}"}})
    logged = [r for r in caplog.records if r.name == "district.csp"]
    assert len(logged) == 5
