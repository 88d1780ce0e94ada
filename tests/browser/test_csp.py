"""The main pages and the admin load under their Content-Security-Policy without a single violation.

Each page is loaded in chromium with a `securitypolicyviolation` listener
installed before any of the page's own scripts, and every console message is
kept: a blocked script, style, image, frame or connection shows up in one or
the other.
"""

import re

import pytest

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""
POLICY_WORDS = re.compile(
    r"Content Security Policy|Content-Security-Policy|Permissions-Policy|Permissions policy",
    re.IGNORECASE,
)


@pytest.fixture
def watch():
    """Install the listeners on a page; `check(page, url)` loads url and returns what was blocked."""
    console: list[str] = []

    def install(page):
        page.add_init_script(RECORD_VIOLATIONS)
        page.on(
            "console", lambda message: console.append(f"{message.type}: {message.text}")
        )

    def check(page, url: str) -> list[str]:
        console.clear()
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, url
        assert response.headers.get("content-security-policy"), url
        page.wait_for_timeout(300)  # let modules run and reports fire
        violations = page.evaluate("window.__violations")
        return violations + [line for line in console if POLICY_WORDS.search(line)]

    return install, check


def first_link(page, site, index: str, pattern: str) -> str:
    page.goto(f"{site['url']}{index}")
    hrefs = page.eval_on_selector_all(
        "a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    for href in hrefs:
        path = re.split(r"[?#]", href.replace(site["url"], ""))[0]
        if re.fullmatch(pattern, path):
            return f"{site['url']}{path}"
    raise AssertionError(f"no link matching {pattern} on {index}: {hrefs}")


def public_urls(page, site) -> list[str]:
    return [
        f"{site['url']}/",
        f"{site['url']}/yeoksam-1/",
        first_link(page, site, "/forums/yeoksam-1/", r"/forums/t/\d+/"),
        first_link(page, site, "/events/youth/", r"/events/e/\d+/"),
        f"{site['url']}/events/calendar/",
        f"{site['url']}/search/?q=x",
        f"{site['url']}/proposals/",
        f"{site['url']}/proposals/dashboard/",
        first_link(page, site, "/proposals/", r"/proposals/p/\d+/"),
        first_link(page, site, "/votes/", r"/votes/\d+/"),
    ]


def test_public_pages_and_sign_in_load_without_csp_violations(browser, site, watch):
    install, check = watch
    context = browser.new_context()
    page = context.new_page()
    install(page)
    try:
        urls = [*public_urls(page, site), f"{site['url']}/accounts/login/"]
        found = {url: check(page, url) for url in urls}
        assert {url: v for url, v in found.items() if v} == {}
    finally:
        context.close()


def test_signed_in_pages_load_without_csp_violations(sign_in, site, watch):
    install, check = watch
    page = sign_in("resident1.yeoksam-1@example.org")
    install(page)
    urls = [*public_urls(page, site), f"{site['url']}/notifications/"]
    found = {url: check(page, url) for url in urls}
    assert {url: v for url, v in found.items() if v} == {}


def test_the_admin_loads_under_its_own_policy_without_violations(sign_in, site, watch):
    install, check = watch
    page = sign_in("staff@example.org")
    install(page)
    urls = [
        f"{site['url']}/admin/",
        f"{site['url']}/admin/pages/",
        f"{site['url']}/admin/images/",
        f"{site['url']}/admin/documents/",
    ]
    found = {url: check(page, url) for url in urls}
    # The page editor, with its side panels and preview.
    page.goto(f"{site['url']}/admin/pages/")
    edit = first_link(page, site, "/admin/pages/", r"/admin/pages/\d+/edit/")
    found[edit] = check(page, edit)
    assert {url: v for url, v in found.items() if v} == {}
