"""THE list of public pages the accessibility checks visit (tests/browser/test_accessibility.py).

Every public template must be reachable from here: when you add a template a
visitor can see, add a line. A page is a start path on the demo site
(`seed_district --demo`, the browser tests' `site` fixture) and, for pages whose
address holds an id, the links to follow from it: each pattern picks the first
link on the current page whose path matches it (a full match), so no id is
guessed; `then` is appended to the last link's path. `submit_empty` sends
the page's main form (`form.stacked-form`) empty, to check the form with its
errors. Pages marked `signed_in` are visited as SIGNED_IN (a resident of
DONG, verified), after the anonymous ones.
"""

import re
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser

FORM_SUBMIT = "form.stacked-form button[type=submit]"

DONG = "yeoksam-1"
SIGNED_IN = f"resident1.{DONG}@example.org"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    follow: tuple[str, ...] = field(default=())
    status: int = 200
    signed_in: bool = False
    then: str = ""  # appended to the followed link's path, e.g. "receipt/"
    # Send the page's form empty and check the answer (the form with its errors).
    submit_empty: bool = False
    # The error template `<status>.html`, rendered by the test run's Django as
    # with DEBUG off and handed to the browser at this address: the demo server
    # runs with DEBUG on, where an error page is Django's debug page, not ours.
    debug_off: bool = False


PAGES: tuple[Page, ...] = (
    Page("home", "/"),
    Page("dong page", f"/{DONG}/"),
    Page("notice list", f"/{DONG}/notices/"),
    Page("notice", f"/{DONG}/notices/", (rf"/{DONG}/notices/[^/?#]+/",)),
    Page(
        "notice tag",
        f"/{DONG}/notices/",
        (rf"/{DONG}/notices/[^/?#]+/", r"/tags/[^/?#]+/"),
    ),
    Page("minutes list", f"/{DONG}/minutes/"),
    Page("minutes", f"/{DONG}/minutes/", (rf"/{DONG}/minutes/[^/?#]+/",)),
    Page("forums index", "/forums/"),
    Page("board", f"/forums/{DONG}/"),
    Page("thread with posts", f"/forums/{DONG}/", (r"/forums/t/\d+/",)),
    Page("events list", "/events/"),
    Page("past events", "/events/past/"),
    Page("calendar", "/events/calendar/"),
    Page("board events", f"/events/{DONG}/"),
    Page("event", "/events/", (r"/events/e/\d+/",)),
    Page(
        "search with results",
        "/search/?q=%EC%A3%BC%EB%AF%BC%EC%9E%90%EC%B9%98%ED%9A%8C",
    ),
    Page("search without results", "/search/?q=zqxjvwk"),
    Page("search form", "/search/"),
    Page("proposals index", "/proposals/"),
    Page("proposal cycle", "/proposals/", (r"/proposals/c/\d+/",)),
    Page("proposal", "/proposals/", (r"/proposals/c/\d+/", r"/proposals/p/\d+/")),
    Page("proposals dashboard", "/proposals/dashboard/"),
    Page("votes index", "/votes/"),
    Page("ballot", "/votes/", (r"/votes/\d+/",)),
    Page("ballot receipt check", "/votes/", (r"/votes/\d+/",), then="receipt/"),
    Page("ballot hall screen", "/votes/", (r"/votes/\d+/",), then="screen/"),
    Page("privacy policy", "/privacy/"),
    Page("moderation transparency report", "/moderation/report/"),
    Page("translation glossary", "/glossary/"),
    Page("login", "/accounts/login/"),
    Page("signup", "/accounts/signup/"),
    Page("signup with errors", "/accounts/signup/", submit_empty=True),
    Page("password reset", "/accounts/password/reset/"),
    Page("password reset, bad link", "/accounts/password/reset/key/1-x/"),
    Page("e-mail verification sent", "/accounts/confirm-email/"),
    Page("not found", "/no-such-page-for-a11y/", status=404, debug_off=True),
    Page("bad request", "/a11y-error/400/", status=400, debug_off=True),
    Page("forbidden", "/a11y-error/403/", status=403, debug_off=True),
    Page("server error", "/a11y-error/500/", status=500, debug_off=True),
    # A signed-in resident's pages (and the forms they see on public ones).
    Page("notifications", "/notifications/", signed_in=True),
    Page("profile", "/accounts/profile/", signed_in=True),
    Page("e-mail addresses", "/accounts/email/", signed_in=True),
    Page("change password", "/accounts/password/change/", signed_in=True),
    Page("download my data", "/accounts/my-data/", signed_in=True),
    Page("close my account", "/accounts/close/", signed_in=True),
    Page("my posts", "/forums/mine/", signed_in=True),
    Page("new thread", f"/forums/{DONG}/new/", signed_in=True),
    Page(
        "new thread with errors",
        f"/forums/{DONG}/new/",
        signed_in=True,
        submit_empty=True,
        status=400,
    ),
    Page("thread, signed in", f"/forums/{DONG}/", (r"/forums/t/\d+/",), signed_in=True),
    Page("my events", "/events/mine/", signed_in=True),
    Page("event, signed in", "/events/", (r"/events/e/\d+/",), signed_in=True),
    Page("ballot, signed in", "/votes/", (r"/votes/\d+/",), signed_in=True),
    Page(
        "proposal, signed in",
        "/proposals/",
        (r"/proposals/c/\d+/", r"/proposals/p/\d+/"),
        signed_in=True,
    ),
    Page(
        "new proposal",
        "/proposals/",
        (r"/proposals/c/\d+/",),
        signed_in=True,
        then="new/",
    ),
    Page("my moderation cases", "/moderation/mine/", signed_in=True),
    Page("sign out", "/accounts/logout/", signed_in=True),  # last: GET only asks
)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def resolve(base_url: str, page: Page) -> str:
    """The page's full URL on the running site, following its links from the start path."""
    url = base_url + page.path
    for pattern in page.follow:
        with urllib.request.urlopen(url, timeout=60) as response:
            parser = _Links()
            parser.feed(response.read().decode("utf-8"))
        for href in parser.hrefs:
            parts = urllib.parse.urlsplit(urllib.parse.urljoin(url, href))
            if re.fullmatch(pattern, parts.path):
                url = base_url + parts.path + (f"?{parts.query}" if parts.query else "")
                break
        else:
            raise AssertionError(f"{page.name}: no link matching {pattern} on {url}")
    return url + page.then
