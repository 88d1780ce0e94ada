"""Two residents on one event page: one signs up, the other sees one place fewer without reloading."""

import re
import subprocess
import sys
from pathlib import Path

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


def served_shell(site, code: str) -> str:
    """Run `code` in the served site's own database (manage.py shell); the last line it printed."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=site["env"],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


PROGRAMME = (
    "from datetime import timedelta\n"
    "from django.contrib.auth import get_user_model\n"
    "from django.utils import timezone\n"
    "from events.services import event_create\n"
    "from forums.models import Board\n"
    "board = Board.objects.get(slug='youth')\n"
    "organiser = get_user_model().objects.get(email='facilitator.youth@example.org')\n"
    "start = (timezone.now() + timedelta(days={days})).replace(minute=0, second=0, microsecond=0)\n"
    "event = event_create(organiser=organiser, board=board, title={title!r},"
    " description='청년 프로그램', starts_at=start, ends_at=start + timedelta(hours=2),"
    " location_name='청년센터', {fields})\n"
    "print(event.get_absolute_url())\n"
)


def one_place_programme(site) -> str:
    """A youth programme with one place, made in the served site's own database; its address."""
    return served_shell(
        site, PROGRAMME.format(days=3, title="한 자리 코딩 교실", fields="capacity=1")
    )


def test_a_resident_moved_up_from_the_waiting_list_sees_it_without_reload(
    sign_in, site
):
    url = site["url"] + one_place_programme(site)
    first = sign_in("resident1.yeoksam-1@example.org", language="en")
    second = sign_in("resident1.sinsa@example.org", language="en", width=390)
    first.goto(url)
    first.get_by_role("button", name="I'm going").click()
    expect(first.locator(".my-rsvp")).to_contain_text("Going")

    second.goto(url)
    second.get_by_role("button", name="I'm going").click()
    expect(second.locator(".my-rsvp")).to_contain_text("waiting list")
    second.locator("html[data-live=open]").wait_for(state="attached")
    second.evaluate("window.__sameDocument = true")

    first.get_by_role("button", name="Cancel my sign-up").click()
    expect(second.locator(".my-rsvp")).to_contain_text("Going", timeout=10_000)
    assert second.evaluate("window.__sameDocument") is True


def programme_opening_in(site, seconds: int) -> str:
    """A youth programme whose registration opens `seconds` from now (server clock); its address."""
    fields = (
        "capacity=10, registration_opens_at=timezone.now()"
        f" + timedelta(seconds={seconds})"
    )
    return served_shell(
        site, PROGRAMME.format(days=5, title="접수 대기 요가 교실", fields=fields)
    )


def test_the_button_turns_on_at_the_opening_second_without_reload(sign_in, site):
    url = site["url"] + programme_opening_in(site, 6)
    resident = sign_in("resident1.daechi-1@example.org", language="en", width=390)
    resident.goto(url)
    button = resident.get_by_role("button", name="I'm going")
    expect(button).to_be_disabled()
    expect(resident.locator("[data-countdown-left]")).to_have_text(
        re.compile(r"^00:0[0-6]$")
    )
    resident.evaluate("window.__sameDocument = true")
    expect(button).to_be_enabled(timeout=15_000)
    expect(resident.locator("[data-countdown-status]")).to_have_text(
        "Registration is open."
    )
    button.click()
    expect(resident.locator(".messages")).to_contain_text("You are going")


def test_an_organiser_opening_registration_turns_the_button_on_for_open_pages(
    sign_in, site
):
    url = site["url"] + programme_opening_in(site, 3600)
    resident = sign_in("resident1.daechi-2@example.org", language="en")
    organiser = sign_in("facilitator.youth@example.org", language="en")
    resident.goto(url)
    resident.locator("html[data-live=open]").wait_for(state="attached")
    button = resident.get_by_role("button", name="I'm going")
    expect(button).to_be_disabled()
    resident.evaluate("window.__sameDocument = true")

    organiser.goto(url)
    organiser.get_by_role("button", name="Open registration now").click()

    expect(resident.get_by_role("button", name="I'm going")).to_be_enabled(
        timeout=10_000
    )
    expect(resident.locator("[data-countdown]")).to_have_count(0)
    assert resident.evaluate("window.__sameDocument") is True
    expect(resident.locator("#live-announcer")).to_contain_text(
        "The organiser changed the registration times."
    )
