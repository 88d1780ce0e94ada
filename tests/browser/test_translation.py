"""A Vietnamese resident and a Korean leader talk across languages, with a local translation server.

Its own site (the shared `site` has no translation server; the session's
browser is shared: Playwright's sync API runs once per process): uvicorn plus a
`db_worker` doing the translations in the background, as in production.
Without Redis the worker cannot ring the page's socket and the page asks again
(polling with back-off); with REDIS_URL set, the result arrives live.
"""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.libretranslate import FakeLibreTranslate
from tests.servers import ROOT, migrated_sqlite_site, uvicorn

QUESTION = "주민자치회 회의는 언제인가요?"


@pytest.fixture(scope="module")
def translated_site(browser, tmp_path_factory):
    server = FakeLibreTranslate().start()
    var = tmp_path_factory.mktemp("translated-site")
    env = migrated_sqlite_site(var, demo=True)
    env["LIBRETRANSLATE_URL"] = server.url
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    full_env = {**os.environ, "SECRET_KEY": settings.SECRET_KEY, **env}
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "--no-reload",
            "-v",
            "0",
        ],
        cwd=ROOT,
        env=full_env,
    )
    try:
        with uvicorn(env) as port:
            yield {
                "browser": browser,
                "url": f"http://127.0.0.1:{port}",
                "password": (var / "demo-password").read_text().strip(),
                "server": server,
            }
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
        server.stop()


@pytest.fixture
def open_as(translated_site):
    contexts = []

    def sign_in(email: str, language: str, width: int = 390):
        context = translated_site["browser"].new_context(
            viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(90_000)  # a loaded shared machine
        url = translated_site["url"]
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": url}]
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{url}/accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", translated_site["password"])
        page.click("form.stacked-form button[type=submit]")
        page.wait_for_url(f"{url}/")
        return page

    yield sign_in
    for context in contexts:
        context.close()


def control_of(page, post_text):
    post = page.locator("li.post", has=page.locator(".post-body", has_text=post_text))
    return post, post.locator("[data-translation]")


def test_vietnamese_resident_and_korean_leader_read_each_other(
    open_as, translated_site
):
    url = translated_site["url"]
    leader = open_as("leader.yeoksam-1@example.org", "ko", width=1280)
    leader.goto(f"{url}/forums/yeoksam-1/new/")
    leader.fill("input[name=title]", "안녕하세요")
    leader.fill("textarea[name=body]", QUESTION)
    leader.click("form.stacked-form button[type=submit]")
    leader.wait_for_url(re.compile(r"/forums/t/\d+/$"))
    thread_url = leader.url
    # Korean text for a Korean reader: no control.
    expect(leader.locator(".post-body", has_text=QUESTION)).to_be_visible()
    assert leader.locator("[data-translation]").count() == 0

    resident = open_as("resident1.yeoksam-1@example.org", "vi")
    resident.goto(thread_url)
    post, control = control_of(resident, QUESTION)
    button = control.locator("[data-translate-button]")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    translated = control.locator("[data-translation-text]")
    expect(translated).to_contain_text(
        "Cuộc họp của Hội tự quản cư dân là khi nào?", timeout=20_000
    )
    # Labelled as machine translation from Korean, the original right above it.
    expect(control.locator("[data-translation-label]")).to_contain_text("Hàn")
    expect(post.locator(".post-body")).to_have_text(QUESTION)
    # The glossary term explains itself and the glossary is one tap away.
    assert "주민자치회" in translated.locator("abbr").get_attribute("title")
    expect(control.locator("a[href='/glossary/']")).to_be_visible()
    # The title too.
    title_control = resident.locator(".page-header [data-translation]")
    title_control.locator("[data-translate-button]").click()
    expect(title_control.locator("[data-translation-text]")).to_have_text(
        "Xin chào", timeout=20_000
    )
    expect(resident.locator("#thread-title")).to_have_text("안녕하세요")

    resident.fill("textarea[name=body]", "Tôi sẽ tham gia.")
    resident.click("#reply-form button[type=submit]")
    expect(resident.locator(".post-body", has_text="Tôi sẽ tham gia.")).to_be_visible(
        timeout=10_000
    )

    leader.goto(thread_url)
    reply, reply_control = control_of(leader, "Tôi sẽ tham gia.")
    reply_control.locator("[data-translate-button]").click()
    expect(reply_control.locator("[data-translation-text]")).to_have_text(
        "참석하겠습니다.", timeout=20_000
    )
    expect(reply_control.locator("[data-translation-label]")).to_contain_text(
        "베트남어"
    )
    expect(reply.locator(".post-body")).to_have_text("Tôi sẽ tham gia.")
    # Once made, a translation is stored: a reload shows it without asking again.
    asked = len(translated_site["server"].translations())
    leader.reload()
    _reply, again = control_of(leader, "Tôi sẽ tham gia.")
    again.locator("[data-translate-button]").click()
    expect(again.locator("[data-translation-text]")).to_have_text("참석하겠습니다.")
    assert len(translated_site["server"].translations()) == asked


def test_broken_translation_server_says_try_later(open_as, translated_site):
    url = translated_site["url"]
    server = translated_site["server"]
    resident = open_as("resident2.yeoksam-1@example.org", "en", width=1280)
    resident.goto(f"{url}/forums/yeoksam-1/new/")
    resident.fill("input[name=title]", "다른 질문")
    resident.fill("textarea[name=body]", "오늘 모임은 몇 시인가요?")
    resident.click("form.stacked-form button[type=submit]")
    resident.wait_for_url(re.compile(r"/forums/t/\d+/$"))
    server.mode = "500"
    try:
        _post, control = control_of(resident, "오늘 모임은 몇 시인가요?")
        control.locator("[data-translate-button]").click()
        failed = control.locator("[data-translation-failed]")
        expect(failed).to_be_visible(timeout=60_000)
        expect(failed).to_contain_text("Translation unavailable, try later.")
        server.mode = "ok"
        failed.locator("[data-translation-retry]").click()
        expect(control.locator("[data-translation-text]")).to_contain_text(
            "<en> 오늘 모임은 몇 시인가요?", timeout=20_000
        )
    finally:
        server.mode = "ok"
