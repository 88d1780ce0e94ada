"""Every public page (tests/browser/pages.py), in Korean and English, at phone and desktop width:
0 axe-core violations of any impact, and 0 Nu Html Checker errors.

The tools are registry packages pinned in tests/browser/tools/package.json
(`npm ci --prefix tests/browser/tools`); vnu.jar needs Java. On a laptop
without them these tests skip and say why; in CI (DONGNE_REQUIRE_SERVICES=1)
a missing tool fails the build.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from tests.browser.pages import FORM_SUBMIT, PAGES, SIGNED_IN, resolve

TOOLS = Path(__file__).resolve().parent / "tools" / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
LANGUAGES = ("ko", "en")
WIDTHS = (390, 1280)


def _missing(what: str, how: str):
    if os.environ.get("DONGNE_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required in this run ({how})")
    pytest.skip(f"{what} is not installed ({how})")


AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']}))
  .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5), count: v.nodes.length}))"""


@pytest.fixture(scope="module")
def urls(site):
    """Each page's URL on the demo site, resolved once (ids come from the seeded data)."""
    return {page.name: resolve(site["url"], page) for page in PAGES}


def _context(browser, site, *, language: str, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(60_000)
    context.add_cookies(
        [{"name": "django_language", "value": language, "url": site["url"]}]
    )
    return context


def _render_here(entry, language: str) -> bytes:
    """The error page `<status>.html` as Django renders it with DEBUG off (no database needed)."""
    request = RequestFactory().get(entry.path)
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = language
    with translation.override(language):
        # Django's server_error renders 500.html without a request, as here.
        return render_to_string(
            f"{entry.status}.html", request=None if entry.status == 500 else request
        ).encode()


def _open(page, entry, url, language="ko"):
    """Load the page (and send its form empty if the entry says so); the last response."""
    if entry.debug_off:
        body = _render_here(entry, language)
        page.route(
            url,
            lambda route: route.fulfill(
                status=entry.status, body=body, content_type="text/html; charset=utf-8"
            ),
        )
    response = page.goto(url, wait_until="load")
    if entry.debug_off:
        page.unroute(url)
    if entry.submit_empty:
        with page.expect_navigation(wait_until="load") as navigation:
            page.click(FORM_SUBMIT)
        response = navigation.value
    return response


def _sign_in(page, site) -> None:
    page.goto(f"{site['url']}/accounts/login/")
    page.fill("input[name=login]", SIGNED_IN)
    page.fill("input[name=password]", site["password"])
    page.click(FORM_SUBMIT)
    page.wait_for_url(f"{site['url']}/")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_violations(browser, site, urls, language, width):
    if not AXE.exists():
        _missing("axe-core", "npm ci --prefix tests/browser/tools --ignore-scripts")
    axe_source = AXE.read_text()
    context = _context(browser, site, language=language, width=width)
    found = []
    try:
        page = context.new_page()
        for signed_in in (False, True):
            if signed_in:
                _sign_in(page, site)
            for entry in PAGES:
                if entry.signed_in != signed_in:
                    continue
                url = urls[entry.name]
                response = _open(page, entry, url, language)
                assert (response.status, page.url) == (entry.status, url), (
                    f"{entry.name} ({url}) answered {response.status} at {page.url}"
                )
                # DevTools evaluation is not subject to the page's CSP: no bypass needed.
                page.evaluate(axe_source)
                for violation in page.evaluate(AXE_RUN):
                    found.append(
                        f"{entry.name} [{language}, {width}px] {url}: "
                        f"{violation['id']} ({violation['impact']}) {violation['help']}; "
                        f"{violation['count']} element(s): {violation['targets']}"
                    )
    finally:
        context.close()
    assert not found, "axe-core violations:\n" + "\n".join(found)


def test_nu_html_checker_finds_no_errors(browser, site, urls, tmp_path):
    java = shutil.which("java")
    if java is None:
        _missing("Java", "apt-get install default-jre-headless")
    if not VNU.exists():
        _missing("vnu.jar", "npm ci --prefix tests/browser/tools --ignore-scripts")
    files = {}
    for language in LANGUAGES:
        context = _context(browser, site, language=language)
        try:
            page = context.new_page()
            for signed_in in (False, True):
                if signed_in:
                    _sign_in(page, site)
                for entry in PAGES:
                    if entry.signed_in != signed_in:
                        continue
                    url = urls[entry.name]
                    if entry.debug_off:
                        body = _render_here(entry, language)
                        name = f"{entry.name.replace(' ', '-')}.{language}.html"
                        (tmp_path / name).write_bytes(body)
                        files[name] = url
                        continue
                    if entry.submit_empty:
                        # The answer to a POST: the document as the browser holds it.
                        response = _open(page, entry, url)
                        response_url, body = page.url, page.content().encode()
                    else:
                        # The HTML as served (before any script ran), with the context's cookies.
                        response = context.request.get(url)
                        response_url, body = response.url, response.body()
                    assert (response.status, response_url) == (entry.status, url), (
                        f"{entry.name} ({url}) answered {response.status} at {response_url}"
                    )
                    name = f"{entry.name.replace(' ', '-').replace(',', '')}.{language}.html"
                    (tmp_path / name).write_bytes(body)
                    files[name] = urls[entry.name]
        finally:
            context.close()
    # One Java start for every page.
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout"]
        + sorted(str(tmp_path / name) for name in files),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,  # vnu exits 1 when it finds errors: they are reported below
    )
    assert result.stdout.strip(), f"vnu.jar printed no report: {result.stderr[-2000:]}"
    messages = json.loads(result.stdout).get("messages", [])
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    lines = []
    for m in errors:
        name = Path(m.get("url", "?")).name
        extract = (m.get("extract") or "").strip()[:120]
        lines.append(
            f"{name} ({files.get(name, '')}) line {m.get('lastLine', '?')}: "
            f"{m.get('message')} [{extract}]"
        )
    assert not errors, f"Nu Html Checker: {len(errors)} error(s):\n" + "\n".join(lines)
