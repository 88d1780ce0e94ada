"""A resident closes their account; a neighbour then sees their post by "former member"."""

import re

from playwright.sync_api import expect

from tests.browser.test_live_thread import start_thread


def test_closed_account_post_shows_former_member(sign_in, site):
    writer = sign_in("resident1.suseo@example.org", language="en")
    url = start_thread(writer, site, "탈퇴 전 마지막 글", board="suseo")
    expect(writer.locator(".post-author").first).not_to_have_text("former member")

    writer.goto(f"{site['url']}/accounts/profile/")
    writer.get_by_role("link", name="Close my account").click()
    writer.wait_for_url(re.compile(r"/accounts/close/$"))
    writer.get_by_label("Your password").fill("not my password")
    writer.get_by_role("button", name="Close my account for good").click()
    expect(writer.locator(".errors[role=alert]")).to_be_visible()
    writer.get_by_label("Your password").fill(site["password"])
    writer.get_by_role("button", name="Close my account for good").click()
    writer.wait_for_url(f"{site['url']}/")
    expect(writer.locator("body")).to_contain_text("Your account is closed")

    reader = sign_in("resident2.suseo@example.org", language="en")
    reader.goto(url)
    author = reader.locator(".post-author").first
    expect(author).to_have_text("former member")
    expect(reader.locator(".post-body").first).to_contain_text("함께 이야기해요")
