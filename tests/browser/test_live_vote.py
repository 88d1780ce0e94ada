"""A resident votes on a phone; the assembly screen open elsewhere counts one more voice without reloading."""

from playwright.sync_api import expect


def test_a_phone_vote_moves_the_assembly_screen_count(browser, sign_in, site):
    voter = sign_in("resident2.yeoksam-1@example.org", width=390, language="en")
    voter.set_viewport_size({"width": 390, "height": 844})
    voter.goto(f"{site['url']}/votes/")
    voter.get_by_role("link", name="사전투표").first.click()
    ballot_url = voter.url

    screen_context = browser.new_context(viewport={"width": 1280, "height": 720})
    screen = screen_context.new_page()
    try:
        screen.goto(f"{ballot_url}screen/")
        screen.locator("html[data-live=open]").wait_for(state="attached")
        count = screen.locator("[data-participants]")
        before = int(count.inner_text())
        screen.evaluate("window.__sameDocument = true")

        voter.get_by_label("I live in this neighbourhood").check()
        voter.get_by_label("18 or older", exact=True).check()
        voter.get_by_label("I have read the notice above and agree.").check()
        voter.locator("fieldset.item").first.get_by_label("Yes").check()
        voter.locator("fieldset.question").nth(1).locator(
            "input[type=checkbox]"
        ).first.check()
        button = voter.get_by_role("button", name="Cast my vote")
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] <= 390
        button.click()
        expect(voter.locator("[data-receipt]")).to_be_visible()
        assert (
            len(voter.locator("[data-receipt] code").inner_text().replace("-", ""))
            == 20
        )

        expect(count).to_have_text(str(before + 1), timeout=10_000)
        assert screen.evaluate("window.__sameDocument") is True
    finally:
        screen_context.close()
