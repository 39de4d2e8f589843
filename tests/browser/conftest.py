"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Each test module starts with

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

The live server answers from another thread, so the database is the transactional one
(tests/conftest.py puts the migrated rows, such as the role groups, back after each test).

Every page runs under the site's Content-Security-Policy. Each browser context (the `page` and
`phone_page` fixtures, and any a test opens with `browser.new_context`) reports what the policy
refused: Chromium's console messages ("Refused to execute inline script…") and, from a script
added to every page, each `securitypolicyviolation` event. A test after which anything was
refused fails at teardown, listing what and where.
"""

import functools
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

# Added to every page before its own scripts (Playwright injects it; the policy does not apply).
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("Content Security Policy violation: " + e.violatedDirective + " refused "
    + (e.blockedURI || "inline") + " at " + (e.sourceFile || document.location.href) + ":"
    + e.lineNumber + " " + (e.sample || ""));
}, true);
"""
CSP_MARKERS = ("Content Security Policy", "Content-Security-Policy", "Refused to")


class CSPWatch:
    """What the policy refused in the current test, from every context of the browser."""

    def __init__(self):
        self.seen: list[str] = []

    def attach(self, context):
        context.add_init_script(script=CSP_REPORTER)
        context.on("console", self._console)
        close = context.close

        @functools.wraps(close)
        def close_after_flush(*args, **kwargs):
            # Console events reach Python when Playwright next talks to the browser: one round
            # trip per page first, so nothing refused at the very end of a test is lost.
            for page in context.pages:
                try:
                    page.evaluate("0")
                except Exception:  # noqa: BLE001 (a crashed or closing page has nothing more to say)
                    pass
            return close(*args, **kwargs)

        context.close = close_after_flush
        return context

    def _console(self, message):
        text = message.text
        if any(marker in text for marker in CSP_MARKERS):
            where = message.location.get("url", "") if message.location else ""
            self.seen.append(f"{text} [{where}]" if where and where not in text else text)


CSP_WATCH = CSPWatch()


@pytest.fixture(autouse=True)
def _no_csp_violations():
    """Fail the test when the Content-Security-Policy refused anything on any of its pages."""
    CSP_WATCH.seen.clear()
    yield
    seen = list(dict.fromkeys(CSP_WATCH.seen))
    CSP_WATCH.seen.clear()
    if seen:
        pytest.fail("The Content-Security-Policy refused:\n" + "\n".join(seen), pytrace=False)


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
        new_context = browser.new_context

        @functools.wraps(new_context)
        def watched_context(*args, **kwargs):
            return CSP_WATCH.attach(new_context(*args, **kwargs))

        browser.new_context = watched_context  # every context of every test is watched
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
