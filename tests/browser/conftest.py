"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Each test module starts with

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

The live server answers from another thread, so the database is the transactional one
(tests/conftest.py puts the migrated rows, such as the role groups, back after each test).
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread; Django's ORM then refuses to
    # run here unless told it is safe (it is: the loop only drives the browser).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _context(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="id-ID", **options)
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (own cookies) on the live server, desktop size."""
    context = _context(browser, live_server, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A fresh tab at a phone's width (375 px)."""
    context = _context(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()
