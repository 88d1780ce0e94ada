"""Two residents in two browsers on one thread: one posts, the other sees it without reloading."""

import re

from playwright.sync_api import expect


def start_thread(page, site, title, board="yeoksam-1"):
    page.goto(f"{site['url']}/forums/{board}/new/")
    page.fill("input[name=title]", title)
    page.fill("textarea[name=body]", "함께 이야기해요")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(re.compile(r"/forums/t/\d+/$"))
    return page.url


def test_a_reply_appears_in_the_other_residents_open_thread_without_reload(
    sign_in, site
):
    writer = sign_in("resident1.yeoksam-1@example.org")
    reader = sign_in("resident2.yeoksam-1@example.org", width=390)
    url = start_thread(reader, site, "실시간 답글 확인")
    writer.goto(url)

    reader.locator("html[data-live=open]").wait_for(state="attached")
    reader.evaluate("window.__sameDocument = true")

    writer.fill("textarea[name=body]", "방금 쓴 **답글**입니다")
    writer.click("#reply-form button[type=submit]")

    reply = reader.locator(".post-body", has_text="방금 쓴 답글입니다")
    expect(reply).to_be_visible(timeout=10_000)
    assert reply.locator("strong").inner_text() == "답글"
    assert reader.evaluate("window.__sameDocument") is True
    expect(reader.locator("#live-announcer")).to_contain_text("역삼1동 주민1")
    # The writer's own page shows it too, and the form is ready for the next reply.
    expect(writer.locator(".post-body", has_text="방금 쓴 답글입니다")).to_be_visible(
        timeout=10_000
    )
    assert writer.locator("textarea[name=body]").input_value() == ""


def test_hostile_posts_do_not_execute_in_a_live_reader(sign_in, site):
    writer = sign_in("resident1.nonhyeon-1@example.org")
    reader = sign_in("resident2.nonhyeon-1@example.org")
    url = start_thread(reader, site, "특수문자 확인", board="nonhyeon-1")
    writer.goto(url)

    reader.locator("html[data-live=open]").wait_for(state="attached")
    payload = '<img src=x onerror="window.__pwned=1"> [x](javascript:window.__pwned=1) <script>window.__pwned=1</script>'
    writer.fill("textarea[name=body]", payload)
    writer.click("#reply-form button[type=submit]")
    expect(reader.locator(".post-body", has_text="onerror")).to_be_visible(
        timeout=10_000
    )
    assert reader.evaluate("window.__pwned") is None
    reader.reload()
    assert reader.evaluate("window.__pwned") is None
    assert reader.locator(".post-body img").count() == 0


def test_a_board_reader_is_told_about_new_replies(sign_in, site):
    writer = sign_in("resident1.daechi-1@example.org")
    watcher = sign_in("resident2.daechi-1@example.org", language="en")
    url = start_thread(watcher, site, "게시판 알림 확인", board="daechi-1")
    watcher.goto(f"{site['url']}/forums/daechi-1/")
    watcher.locator("html[data-live=open]").wait_for(state="attached")
    writer.goto(url)
    writer.fill("textarea[name=body]", "게시판에서도 보이나요")
    writer.click("#reply-form button[type=submit]")
    expect(watcher.locator("#board-news")).to_contain_text(
        "1 new reply", timeout=10_000
    )


def test_a_live_reply_looks_as_it_will_after_a_reload(sign_in, site):
    writer = sign_in("resident1.yeoksam-1@example.org")
    reader = sign_in("resident2.yeoksam-1@example.org")
    url = start_thread(reader, site, "같은 모양 확인")
    writer.goto(url)
    writer.locator("html[data-live=open]").wait_for(state="attached")
    reader.locator("html[data-live=open]").wait_for(state="attached")

    writer.fill("textarea[name=body]", "모양이 같은 답글")
    writer.click("#reply-form button[type=submit]")

    def controls(page):
        post = page.locator("li.post", has_text="모양이 같은 답글")
        expect(post).to_be_visible(timeout=10_000)
        return {
            "edit": post.locator("[data-edit]").count(),
            "delete": post.locator("[data-delete-own]").count(),
            "report": post.locator("[data-report]").count(),
            "react_buttons": post.locator("form[data-react] button").count(),
            "counts_shown": post.locator("[data-react-readonly]:visible").count(),
            "time": post.locator("time").inner_text(),
        }

    live_writer, live_reader = controls(writer), controls(reader)
    writer.reload()
    reader.reload()
    assert live_writer == controls(writer)
    assert live_reader == controls(reader)
    assert (
        live_writer["edit"] == live_writer["delete"] == 1 and not live_writer["report"]
    )
    assert live_reader["report"] == 1 and live_reader["react_buttons"] > 0
