"""Two residents on one event page: one signs up, the other sees one place fewer without reloading."""

from playwright.sync_api import expect


def open_programme(page, site, board="youth"):
    page.goto(f"{site['url']}/events/{board}/")
    page.locator(".event-title").first.click()
    page.locator("html[data-live=open]").wait_for(state="attached")
    return page.locator(".occurrence").first


def test_a_sign_up_takes_a_place_on_the_other_residents_open_page(sign_in, site):
    watcher = sign_in("resident2.gaepo-1@example.org", width=390)
    joiner = sign_in("resident1.gaepo-1@example.org", language="en")
    watching = open_programme(watcher, site)
    places = watching.locator("[data-left]")
    before = int(places.inner_text())
    assert before > 0
    watcher.evaluate("window.__sameDocument = true")

    card = open_programme(joiner, site)
    card.get_by_role("button", name="I'm going").click()
    expect(joiner.locator(".messages")).to_contain_text("You are going")

    expect(places).to_have_text(str(before - 1), timeout=10_000)
    assert watcher.evaluate("window.__sameDocument") is True
    expect(watcher.locator("#live-announcer")).to_contain_text(str(before - 1))


def test_an_event_list_follows_a_cancellation_live(sign_in, site):
    reader = sign_in("resident1.segok@example.org")
    organiser = sign_in("leader.segok@example.org", language="en")
    reader.goto(f"{site['url']}/events/segok/")
    reader.locator("html[data-live=open]").wait_for(state="attached")
    row = reader.locator(".event-row").first
    expect(row.locator("[data-cancelled]")).to_be_hidden()

    organiser.goto(f"{site['url']}/events/segok/")
    organiser.locator(".event-title").first.click()
    organiser.get_by_role("link", name="Cancel the event").click()
    organiser.fill("textarea[name=reason]", "Room under repair")
    organiser.get_by_role("button", name="Cancel the event").click()
    expect(organiser.locator(".messages")).to_contain_text("is cancelled")

    expect(row.locator("[data-cancelled]")).to_be_visible(timeout=10_000)
