"""Two residents on one proposal: one supports it, the other's open page shows the new count without reloading."""

from playwright.sync_api import expect


def open_first_open_proposal(page, site):
    page.goto(f"{site['url']}/proposals/?phase=proposing&sort=newest")
    page.locator(".proposal-row .thread-title").first.click()
    page.locator("html[data-live=open]").wait_for(state="attached")
    return page.locator(".support-box [data-supports]")


def test_a_support_changes_the_count_on_the_other_residents_open_page(sign_in, site):
    watcher = sign_in("resident2.segok@example.org", width=390)
    supporter = sign_in("resident1.segok@example.org", language="en")
    count = open_first_open_proposal(watcher, site)
    before = int(count.inner_text())
    watcher.evaluate("window.__sameDocument = true")

    supporting = open_first_open_proposal(supporter, site)
    assert int(supporting.inner_text()) == before
    supporter.get_by_role("button", name="Support this proposal").click()
    expect(supporter.locator(".messages")).to_contain_text("Thank you for your support")

    expect(count).to_have_text(str(before + 1), timeout=10_000)
    assert watcher.evaluate("window.__sameDocument") is True
    expect(watcher.locator("#live-announcer")).to_contain_text(str(before + 1))
