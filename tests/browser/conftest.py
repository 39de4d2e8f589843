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

Every page is also checked with axe-core (axe.min.js shipped by the pip package
axe-playwright-python, no CDN): at 375 px and at 1280 px, whatever size the test itself uses. A
page is checked when `page.goto`/`reload`/`go_back`/`go_forward`/`wait_for_url` returns, before
the test's next action on any tab (a click, a key, a fill, a select, an evaluate…) when the tab
shows a document not checked yet (one reached by a click or a form), and at the end of the test
on every tab still open. A critical or serious violation fails the test at teardown, listed by
rule, impact, element selectors, page and width. `axe_check(page)` checks the page as it is now
(a menu opened by a click, say) and fails at once.
"""

import functools
import json
import os
import time
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

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


# axe-core: a requirement of the browser tests (requirements-dev.txt), never skipped quietly.
_AXE_SPEC = find_spec("axe_playwright_python")
AXE_SOURCE = (Path(_AXE_SPEC.origin).parent / "axe.min.js").read_text() if _AXE_SPEC else None
AXE_FAILING = ("critical", "serious")
AXE_WIDTHS = (PHONE, {"width": 1280, "height": 900})  # every page at a phone's and a desktop's width
AXE_LOG = os.environ.get("GULO_AXE_LOG")  # a file: one JSON line per page checked (for a report)
# Runs axe on the document, or on `include` (a CSS selector); the page remembers it was checked.
# One exception, not a rule switched off: axe reads a stylesheet's @import by writing it into a
# <style> element, which the site's Content-Security-Policy refuses (the checker would fail the
# CSP watch, not the page). On a page whose CSS has @import (Django admin's forms.css) axe runs
# without reading the CSS rules itself ("preload"), which only css-orientation-lock needs.
AXE_RUN = """
async (include) => {
  window.__guloAxeChecked = true;
  const imports = [...document.styleSheets].some(sheet => {
    try { return [...sheet.cssRules].some(rule => rule instanceof CSSImportRule); }
    catch (e) { return false; }  // another origin's sheet: not read
  });
  const options = {resultTypes: ["violations"], preload: !imports};
  // Colours are read once a transition (a button that just changed state) has finished.
  const ending = document.getAnimations()
    .filter(a => a.effect && a.effect.getComputedTiming().endTime < 5000);  // not a spinner's
  await Promise.race([Promise.all(ending.map(a => a.finished.catch(() => null))),
                      new Promise(done => setTimeout(done, 2000))]);
  const result = await axe.run(include ? {include: [include]} : document, options);
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" "))}));
}
"""
AXE_NEEDED = """() => !window.__guloAxeChecked && document.contentType === "text/html"
  && location.protocol.startsWith("http")"""
# Playwright calls that act on a page: before them, every tab's document gets checked if it was not.
AXE_BEFORE = {
    "Page": ("click", "dblclick", "tap", "fill", "press", "type", "select_option", "check", "uncheck",
             "set_checked", "set_input_files", "dispatch_event", "evaluate", "focus", "hover", "goto",
             "reload", "go_back", "go_forward", "close", "expect_download", "expect_popup",
             "expect_navigation"),
    "Frame": ("click", "dblclick", "tap", "fill", "press", "type", "select_option", "check", "uncheck",
              "set_checked", "set_input_files", "dispatch_event", "evaluate", "focus", "hover", "goto"),
    "Locator": ("click", "dblclick", "tap", "fill", "clear", "press", "press_sequentially", "type",
                "select_option", "check", "uncheck", "set_checked", "set_input_files", "dispatch_event",
                "evaluate", "focus", "hover"),
    "ElementHandle": ("click", "dblclick", "tap", "fill", "press", "type", "select_option", "check",
                      "uncheck", "set_checked", "set_input_files", "dispatch_event", "evaluate", "focus"),
    "Keyboard": ("press", "type", "insert_text", "down"),
    "Mouse": ("click", "dblclick", "down"),
}  # fmt: skip
# ...and after these, the document they waited for.
AXE_AFTER = {"Page": ("goto", "reload", "go_back", "go_forward", "wait_for_url"), "Frame": ("goto",)}


class AxeWatch:
    """axe-core over every page of every browser context of the current test."""

    def __init__(self):
        self.contexts: list = []
        self.found: dict[tuple, str] = {}  # (rule, path, width) -> its lines in the report
        self.checked = 0
        self.busy = False

    def attach(self, context):
        self.contexts.append(context)
        close = context.close

        @functools.wraps(close)
        def close_after_check(*args, **kwargs):
            self.check_pending()
            if context in self.contexts:
                self.contexts.remove(context)
            return close(*args, **kwargs)

        context.close = close_after_check
        return context

    def patch_playwright(self):
        """Wrap the sync API's page actions (see AXE_BEFORE, AXE_AFTER); returns an undo."""
        from playwright import sync_api

        undo = []
        for name in set(AXE_BEFORE) | set(AXE_AFTER):
            cls = getattr(sync_api, name)
            for method in set(AXE_BEFORE.get(name, ())) | set(AXE_AFTER.get(name, ())):
                original = getattr(cls, method)
                before, after = method in AXE_BEFORE.get(name, ()), method in AXE_AFTER.get(name, ())
                setattr(cls, method, self._wrap(original, before, after))
                undo.append((cls, method, original))
        return lambda: [setattr(cls, method, original) for cls, method, original in undo]

    def _wrap(self, original, before, after):
        watch = self

        @functools.wraps(original)
        def wrapped(*args, **kwargs):
            if before:
                watch.check_pending()
            result = original(*args, **kwargs)
            if after:
                watch.check_pending()
            return result

        return wrapped

    def check_pending(self):
        """Check every open tab whose document has not been checked yet."""
        if self.busy:
            return
        for context in list(self.contexts):
            for page in list(context.pages):
                self._check(page, include=None, pending_only=True)

    def check(self, page, include=None) -> list[str]:
        """Check the page as it is now; the report's lines of its violations."""
        return self._check(page, include=include, pending_only=False)

    def _check(self, page, include, pending_only):
        from playwright.sync_api import Error

        if self.busy or page.is_closed():
            return []
        self.busy = True
        try:
            for attempt in range(3):
                try:
                    page.wait_for_load_state("load")
                    if pending_only and not page.evaluate(AXE_NEEDED):
                        return []
                    return self._run(page, include)
                except Error as error:  # the page went on to another document while checked
                    if page.is_closed() or "Target" in str(error) and "closed" in str(error):
                        return []
                    if attempt == 2:
                        raise
            return []
        finally:
            self.busy = False

    def _run(self, page, include):
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(AXE_SOURCE)
        own = page.viewport_size
        parts = urlsplit(page.url)
        where = parts.path + (f"?{parts.query}" if parts.query else "")
        lines = []
        for size in [own] + [size for size in AXE_WIDTHS if size["width"] != own["width"]]:
            if size != own:
                page.set_viewport_size(size)
                page.evaluate("() => new Promise(requestAnimationFrame)")  # laid out at that width
            started = time.monotonic()
            try:
                violations = page.evaluate(AXE_RUN, include)
            finally:
                if size != own:
                    page.set_viewport_size(own)
            self.checked += 1
            if AXE_LOG:
                with open(AXE_LOG, "a", encoding="utf-8") as log:
                    log.write(
                        json.dumps(
                            {
                                "url": where,
                                "width": size["width"],
                                "ms": round((time.monotonic() - started) * 1000),
                                "violations": violations,
                            }
                        )
                    )
                    log.write("\n")
            for violation in violations:
                if violation["impact"] in AXE_FAILING:
                    line = axe_report_line(violation, where, size["width"])
                    self.found.setdefault((violation["id"], where, size["width"]), line)
                    lines.append(line)
        return lines


def axe_report_line(violation, where, width):
    """One violation in the report: rule, impact, page and width, what it means, the elements."""
    targets = violation["targets"]
    more = f" (+{len(targets) - 6} more)" if len(targets) > 6 else ""
    return (
        f"{violation['id']} ({violation['impact']}) on {where} at {width} px: {violation['help']}\n"
        f"    {', '.join(targets[:6])}{more}"
    )


AXE_WATCH = AxeWatch()


def axe_check(page, context=None):
    """Fail now on any critical or serious axe-core violation on the page as it is (both widths);
    `context`: a CSS selector to check only that part (the whole page is checked anyway)."""
    lines = AXE_WATCH.check(page, include=context)
    assert not lines, "axe-core found on the page:\n" + "\n".join(lines)


@pytest.fixture(autouse=True)
def _no_axe_violations(request):
    """Fail the test when axe-core found a critical or serious violation on any of its pages."""
    AXE_WATCH.found.clear()
    yield
    if "browser" in request.keywords:
        AXE_WATCH.check_pending()  # the last page of every tab the test left open
    found = list(AXE_WATCH.found.values())
    AXE_WATCH.found.clear()
    AXE_WATCH.contexts.clear()
    if found:
        pytest.fail("axe-core found (critical or serious):\n" + "\n".join(found), pytrace=False)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)")
    if AXE_SOURCE is None:
        pytest.fail("axe-playwright-python is missing (pip install -r requirements-dev.txt): no axe-core")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread; Django's ORM then refuses to
    # run here unless told it is safe (it is: the loop only drives the browser).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        new_context = browser.new_context

        @functools.wraps(new_context)
        def watched_context(*args, **kwargs):
            return AXE_WATCH.attach(CSP_WATCH.attach(new_context(*args, **kwargs)))

        browser.new_context = watched_context  # every context of every test is watched
        unpatch = AXE_WATCH.patch_playwright()
        yield browser
        unpatch()
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
