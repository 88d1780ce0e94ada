"""Browser tests: Playwright driving Debian's chromium against a real uvicorn serving a seeded demo site.

The server runs on its own SQLite file and in-memory layer in a temporary
folder, never on the database of the test run (or a developer's DATABASE_URL).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import ROOT, uvicorn

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        if os.environ.get("DONGNE_REQUIRE_SERVICES") == "1":
            pytest.fail("chromium is required in this run (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    var = tmp_path_factory.mktemp("site")
    env = {
        "DJANGO_SETTINGS_MODULE": "district.settings.dev",
        "DONGNE_VAR_DIR": str(var),
        "DATABASE_URL": "",
        "REDIS_URL": "",
    }
    full_env = {**os.environ, **env}
    for command in (["migrate", "--no-input", "-v", "0"], ["seed_district", "--demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=full_env,
            check=True,
            capture_output=True,
        )
    password = (var / "demo-password").read_text().strip()
    with uvicorn(env) as port:
        yield {"url": f"http://127.0.0.1:{port}", "password": password, "env": full_env}


@pytest.fixture(scope="session")
def browser(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def sign_in(browser, site):
    contexts = []

    def open_as(email: str, *, width: int = 1280, language: str = "ko"):
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": site["url"]}]
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{site['url']}/accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", site["password"])
        page.click("form.stacked-form button[type=submit]")
        page.wait_for_url(f"{site['url']}/")
        return page

    yield open_as
    for context in contexts:
        context.close()
