"""No input reaches a server error.

Every page of the URL conf (Django's admin and Oscar's staff dashboard aside) is opened as the
person it is for; then random and extreme values (huge and negative numbers, floats, unicode,
NUL bytes, very long strings, dates like 0001-01-01 and 9999-12-31) are sent

- to every GET parameter the page uses: `page`, the fields of its GET forms and the query
  keys of its own links;
- to every field of every POST form on the page (numbers, dates, hidden fields, management
  forms, text), a few at a time, with the other fields left as the page filled them.

None may answer 500 (the test client re-raises the server's exception, so a failure shows its
traceback and the values that caused it). Each example runs in a savepoint that is rolled back,
so every example starts from the same world.

The pages are read from the URL conf: a new page is fuzzed as soon as it exists, and one with
path arguments fails `test_every_page_is_covered` until `KWARGS` says how to fill them.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import transaction
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from oscar.core.loading import get_model

from marketplace.accounts import roles
from procurement.ordering import documents
from procurement.ordering.models import DocumentSeal
from procurement.settlement.models import Invoice
from procurement.units.models import Membership
from tests.factories import CategoryFactory, UserFactory
from tests.factories.vendor_documents import CompleteVendorFactory, VendorDocumentFactory
from tests.factories.vendors import VendorFactory
from tests.procurement.ordering.world import basket_for, build_world, order_in, person_for
from tests.procurement.settlement.world import PayWorld, record_transfer
from tests.stripe_fixtures import stripe_offline  # noqa: F401  (a fixture: no Stripe, no network)
from vendors.forms import STEP_SLUGS

pytestmark = pytest.mark.django_db

# Per page and per form: enough to hit every kind of value, fast enough to run always. A deeper
# scan: NO_SERVER_ERROR_EXAMPLES=300 .venv/bin/python -m pytest tests/test_no_server_error.py
EXAMPLES = int(os.environ.get("NO_SERVER_ERROR_EXAMPLES", "25"))

# --- Values ---------------------------------------------------------------------------------

MISSING = object()  # the field is left out of the request altogether
EXTREMES = [
    "",
    " ",
    "0",
    "-0",
    "1",
    "-1",
    "+1",
    "1e9",
    "1E400",
    "1.5",
    "-1.5",
    "NaN",
    "inf",
    "-inf",
    "abc",
    "0x1F",
    "1_000",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(-(2**63) - 1),
    str(2**64),
    str(10**16),
    str(10**30),
    "9" * 400,
    "9" * 5000,
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "10000-01-01",
    "0001-01",
    "9999-12",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "9999-12-31 23:59",
    "1970-01-01",
    "\x00",
    "1\x00",
    "a" * 10_000,
    "١٢٣",
    "💥🍱",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "\\",
    "\u202e",
    "Rp 1.000.000",
    "1.000.000.000.000.000.000",
]
VALUES = st.one_of(
    st.sampled_from(EXTREMES),
    st.integers().map(str),
    st.floats().map(str),
    st.text(max_size=40),
    st.dates().map(date.isoformat),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
)


# --- The world ------------------------------------------------------------------------------


@dataclass
class City:
    """Everyone a page is for, and something on every page."""

    people: dict[str, object]
    ids: dict[str, object]


@pytest.fixture
def city(settings, request) -> City:
    settings.STAFF_MFA_REQUIRED = False  # two-factor login has its own tests
    request.getfixturevalue("stripe_offline")  # card pages reach no Stripe and no network
    w = build_world()
    treasurer = person_for(w.unit, Membership.Role.TREASURER)
    basket_for(w.officer, (w.snack, 10))
    delivered = order_in(w, "delivered")
    received = order_in(w, "received")
    awaiting = order_in(w, "awaiting_vendor")
    seal = documents.seal_issue(unit_order=received, kind=DocumentSeal.Kind.BAST)
    invoice = Invoice.objects.get(unit_order=received)
    payment = record_transfer(PayWorld(w=w, treasurer=treasurer, invoice=invoice))
    draft_owner = VendorFactory().owner
    submitted = CompleteVendorFactory(submitted=True)
    document = VendorDocumentFactory(vendor=w.vendor)
    category = CategoryFactory(name="Snack Box")
    w.snack.categories.add(category)
    get_model("offer", "Range").objects.create(
        name="Semua", slug="semua", includes_all_products=True, is_public=True
    )
    people = {
        "anonymous": None,
        "officer": w.officer,
        "ppk": w.ppk,
        "treasurer": treasurer,
        "vendor": w.vendor_user,
        "draft_owner": draft_owner,
        "verifier": UserFactory(roles=[roles.VERIFIER]),
        "admin": UserFactory(roles=[roles.ADMIN]),
    }
    ids = {
        "delivered": delivered,
        "received": received,
        "awaiting": awaiting,
        "seal": seal,
        "invoice": invoice,
        "payment": payment,
        "submitted": submitted,
        "document": document,
        "category": category,
        "world": w,
    }
    return City(people=people, ids=ids)


# --- The pages ------------------------------------------------------------------------------

# Who opens which page (url name or namespace); pages not named here are opened by the first of
# ROLE_ORDER that gets a 200.
ROLE_FOR = {
    "basket": "officer",
    "checkout": "officer",
    "customer": "officer",
    "budgets:line-list": "officer",
    "budgets:line-detail": "officer",
    "budgets:line-import": "admin",
    "budgets:line-pagu": "admin",
    "ordering": "officer",
    "ordering:vendor-orders": "vendor",
    "ordering:document-verify": "anonymous",
    "vendors:register": "draft_owner",
    "vendors:register-step": "draft_owner",
    "vendors:status": "vendor",
    "vendors:document-download": "vendor",
    "vendors:verification-queue": "verifier",
    "vendors:verification-review": "verifier",
    "vendors:vendor-detail": "anonymous",
    "settlement": "treasurer",
    "settlement:vendor-payments": "vendor",
    "settlement:stripe-webhook": "anonymous",
    "transparency": "anonymous",
    "api": "anonymous",
    "api:token": "officer",
    "api:my-orders": "officer",
    "api:my-order": "officer",
    "api:incoming-orders": "vendor",
    "api:incoming-order": "vendor",
}
ROLE_ORDER = ("anonymous", "officer", "vendor", "verifier", "admin")


def _product_kwargs(c: City) -> dict:
    snack = c.ids["world"].snack
    return {"product_slug": snack.slug, "pk": snack.pk}


def _category_kwargs(c: City) -> dict:
    category = c.ids["category"]
    return {"category_slug": category.full_slug, "pk": category.pk}


# How to fill a page's path arguments: url name -> list of (label, kwargs maker).
KWARGS: dict[str, list[tuple[str, Callable[[City], dict]]]] = {
    "vendors:register-step": [(step, lambda c, s=step: {"step": s}) for step in STEP_SLUGS],
    "vendors:document-download": [("", lambda c: {"pk": c.ids["document"].pk})],
    "vendors:vendor-detail": [("", lambda c: {"slug": c.ids["world"].vendor.slug})],
    "vendors:shop-product-update": [("", lambda c: {"pk": c.ids["world"].snack.pk})],
    "vendors:shop-product-pause": [("", lambda c: {"pk": c.ids["world"].snack.pk})],
    "vendors:shop-product-delete": [("", lambda c: {"pk": c.ids["world"].snack.pk})],
    "vendors:verification-review": [("", lambda c: {"pk": c.ids["submitted"].pk})],
    "ordering:order-detail": [
        ("delivered", lambda c: {"pk": c.ids["delivered"].pk}),
        ("awaiting", lambda c: {"pk": c.ids["awaiting"].pk}),
    ],
    "ordering:order-receive": [("", lambda c: {"pk": c.ids["delivered"].pk})],
    "ordering:order-reorder": [("", lambda c: {"pk": c.ids["delivered"].pk})],
    "ordering:order-action": [("", lambda c: {"pk": c.ids["awaiting"].pk, "action": "cancel"})],
    "ordering:order-letter-pdf": [("", lambda c: {"pk": c.ids["awaiting"].pk})],
    "ordering:order-bast-pdf": [("", lambda c: {"pk": c.ids["received"].pk})],
    "ordering:document-verify": [("", lambda c: {"code": c.ids["seal"].code})],
    "budgets:line-detail": [("", lambda c: {"pk": c.ids["world"].line.pk})],
    "budgets:line-pagu": [("", lambda c: {"pk": c.ids["world"].line.pk})],
    "guide:role": [(slug, lambda c, s=slug: {"role": s}) for slug in ("pelaku-umkm", "pemesan", "ppk")],
    "catalogue:detail": [("", _product_kwargs)],
    "catalogue:category": [("", _category_kwargs)],
    "catalogue:range": [("", lambda c: {"slug": "semua"})],
    "basket:add": [("", lambda c: {"pk": c.ids["world"].snack.pk})],
    "customer:order": [("", lambda c: {"order_number": c.ids["delivered"].order.number})],
    **{
        f"settlement:{name}": [("", lambda c: {"pk": c.ids["invoice"].pk})]
        for name in ("invoice-detail", "invoice-pdf", "transfer-record", "card-start", "card-return")
    },
    **{
        f"settlement:{name}": [("", lambda c: {"pk": c.ids["payment"].pk})]
        for name in ("transfer-confirm", "transfer-dispute", "transfer-void", "transfer-proof", "card-refund")
    },
    # Open data: the year of the world's payments, its unit, and its orders.
    "transparency:unit": [("", lambda c: {"code": c.ids["world"].unit.code})],
    **{
        f"transparency:{name}": [("", lambda c: {"year": _this_year()})]
        for name in ("csv-orders", "csv-aggregates", "ocds-year", "ocds-records")
    },
    "transparency:ocds-month": [("", lambda c: {"year": _this_year(), "month": _this_month()})],
    "api:spending": [(d, lambda c, d=d: {"year": _this_year(), "dimension": d}) for d in ("month", "unit")],
    "api:rapor": [("", lambda c: {"year": _this_year()})],
    "api:ocds-releases": [("", lambda c: {"year": _this_year()})],
    "api:unit-paid-orders": [("", lambda c: {"code": c.ids["world"].unit.code})],
    "api:census-table": [(t, lambda c, t=t: {"table": t}) for t in ("sector", "kecamatan", "top")],
    "api:my-order": [("", lambda c: {"number": c.ids["delivered"].order.number})],
    "api:incoming-order": [("", lambda c: {"number": c.ids["delivered"].order.number})],
}


def _this_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def _this_month() -> int:
    from django.utils import timezone

    return timezone.localdate().month


# Pages left out, with the reason.
SKIP_NAMESPACES = {
    "admin": "Django's admin: staff only, Django's own forms",
    "dashboard": "Oscar's staff dashboard: platform staff only",
}
SKIP = {
    "set_language": "Django's language switch; changes the client's language for the next examples",
    "customer:profile-delete": "handled in another change (issue 13)",
    "customer:logout": "logs the client out",
    "customer:login": "Oscar's login is replaced by allauth (redirects)",
    "customer:register": "Oscar's registration is replaced by allauth (redirects)",
    "customer:change-password": "replaced by allauth",
    "customer:anon-order-form": "anonymous checkout is off",
    "customer:anon-order": "anonymous checkout is off",
    "customer:order-line": "Oscar 4.2's OrderLineView has no template (order/line_detail.html): a 500 "
    "on GET and on a POST without a known action; Oscar's own customer pages, not forked here",
    "customer:address-detail": "officers have no address book (orders carry the venue)",
    "customer:address-delete": "officers have no address book",
    "customer:address-change-status": "officers have no address book",
    "customer:email-detail": "Oscar's sent e-mails: none in the world",
    "customer:notifications-detail": "Oscar's notifications: none in the world",
    "customer:alert-create": "stock alerts are off (made to order)",
    "customer:alerts-confirm": "stock alerts are off",
    "customer:alerts-cancel-by-key": "stock alerts are off",
    "customer:alerts-cancel-by-pk": "stock alerts are off",
    "customer:wishlists-create": "Oscar 4.2's wishlist sharing formset raises ValueError on a blank "
    "DELETE box; wishlists are not used",
    "customer:wishlists-add-product": "wishlists are not used",
    "customer:wishlists-create-with-product": "wishlists are not used",
    "customer:wishlists-detail": "wishlists are not used",
    "customer:wishlists-update": "wishlists are not used",
    "customer:wishlists-delete": "wishlists are not used",
    "customer:wishlists-remove-product": "wishlists are not used",
    "customer:wishlists-move-product-to-another": "wishlists are not used",
    "wishlists:detail": "wishlists are not used",
    "offer:detail": "no offers in the world",
    "basket:vouchers-remove": "no vouchers in the world",
    "password-reset-confirm": "Django's password reset is replaced by allauth",
}
SKIP_MODULES = ("allauth.", "django.contrib.auth.", "django.views.static", "django.views.generic.base")


@dataclass(frozen=True)
class Page:
    name: str
    label: str
    pattern: str
    takes_args: bool
    module: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}[{self.label}]" if self.label else self.name


def _url_patterns(patterns=None, prefix="", namespace=""):
    """(name, route, module, takes arguments) of every URL pattern."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _url_patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            view = getattr(p.callback, "view_class", p.callback)
            name = f"{namespace}{p.name}" if p.name else None
            yield name, prefix + str(p.pattern), view.__module__, bool(p.pattern.regex.groupindex)


def _included(name, module) -> bool:
    if name is None or module.startswith(SKIP_MODULES) or name in SKIP:
        return False
    return name.split(":")[0] not in SKIP_NAMESPACES or ":" not in name


def pages() -> list[Page]:
    found, seen = [], set()
    for name, route, module, takes_args in _url_patterns():
        if not _included(name, module) or name in seen:
            continue
        seen.add(name)
        labels = [label for label, _make in KWARGS.get(name, [("", None)])]
        found += [Page(name, label, route, takes_args, module) for label in labels]
    return found


PAGES = pages()


def test_every_page_is_covered():
    """A page with path arguments is fuzzed only when KWARGS says how to fill them."""
    unfilled = [p.pattern for p in PAGES if p.takes_args and p.name not in KWARGS]
    assert not unfilled, f"add these pages to KWARGS (or SKIP, with a reason): {unfilled}"
    assert len(PAGES) > 40  # the URL conf was read, not an empty list


# --- Reading a page -------------------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: list[dict] = field(default_factory=list)

    def data(self) -> dict:
        """What a person submitting the form unchanged sends (first choice of every radio/select)."""
        data: dict[str, list[str]] = {}
        radios_done = set()
        for f in self.fields:
            kind, name = f["type"], f["name"]
            if kind in ("submit", "button", "file", "image", "reset"):
                continue
            if kind == "checkbox" and not f["checked"]:
                continue
            if kind == "radio":
                if name in radios_done:
                    continue
                radios_done.add(name)
            if kind == "select":
                options = f["options"]
                chosen = [v for v, selected in options if selected] or [v for v, _s in options if v][:1]
                data.setdefault(name, []).extend(chosen)
                continue
            data.setdefault(name, []).append(f["value"])
        return data

    def names(self) -> list[str]:
        return sorted(
            {
                f["name"]
                for f in self.fields
                if f["type"] not in ("submit", "button", "file", "image", "reset")
                and f["name"] != "csrfmiddlewaretoken"
            }
        )


class PageReader(HTMLParser):
    """The forms and the same-page link query keys of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.link_keys: set[str] = set()
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(method=a.get("method", "get").lower(), action=a.get("action", ""))
            self.forms.append(self._form)
        elif tag == "a" and a.get("href", "").startswith("?"):
            self.link_keys |= {k for k, _v in parse_qsl(a["href"][1:], keep_blank_values=True)}
        elif self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select["options"].append((a.get("value", ""), "selected" in a))
            return
        elif tag == "input":
            self._form.fields.append(
                {
                    "type": a.get("type", "text").lower(),
                    "name": a["name"],
                    "value": a.get("value", ""),
                    "checked": "checked" in a,
                }
            )
        elif tag == "button":
            self._form.fields.append({"type": a.get("type", "submit"), "name": a["name"], "value": ""})
        elif tag == "select":
            self._select = {"type": "select", "name": a["name"], "options": []}
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = {"type": "textarea", "name": a["name"], "value": ""}
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


_GET_KEY = re.compile(r"""(?:GET|query_params)(?:\.get|\.getlist)?(?:\(|\[)\s*["'](\w+)["']""")


def source_keys(page: Page) -> set[str]:
    """The query keys the page's view module reads itself (`request.GET.get("day")`, DRF's
    `query_params`): for JSON pages and for parameters no form or link of the page shows."""
    module = sys.modules.get(page.module)
    try:
        source = inspect.getsource(module) if module else ""
    except (OSError, TypeError):
        return set()
    return set(_GET_KEY.findall(source))


def read(response) -> PageReader:
    reader = PageReader()
    if "html" in response.get("Content-Type", ""):
        reader.feed(response.content.decode(errors="replace"))
    return reader


# --- Opening a page as its person -----------------------------------------------------------


def _role(name: str) -> str | None:
    return ROLE_FOR.get(name) or ROLE_FOR.get(name.split(":")[0])


def _login(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


@contextmanager
def rolled_back():
    """Whatever the request writes is undone: every example starts from the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def open_page(client, city: City, page: Page):
    """Log in as the page's person and GET it; (path, first response)."""
    if page.takes_args and page.name not in KWARGS:
        pytest.skip(f"{page.pattern}: its path arguments are unknown (see test_every_page_is_covered)")
    makers = dict(KWARGS.get(page.name, [("", lambda c: {})]))
    path = reverse(page.name, kwargs=makers[page.label](city) or None)
    candidates = [_role(page.name)] if _role(page.name) else ROLE_ORDER
    response = None
    for role in candidates:
        _login(client, city.people[role])
        with rolled_back():
            response = client.get(path)
        if response.status_code == 200:
            break
    return path, response


def _query(params: dict) -> dict:
    return {k: v for k, v in params.items() if v is not MISSING}


def _describe(response) -> str:
    return f"{response.status_code} {response.get('Location', '')}"


def _fuzz_settings():
    return hsettings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,  # writes nothing into the working tree
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_get_parameters_never_500(client, city, page):
    path, first = open_page(client, city, page)
    assert first.status_code < 500, _describe(first)
    if first.status_code == 405:  # a POST-only address: its forms are fuzzed on the page showing them
        return
    reader = read(first)
    names = {"page", "page_size"} | reader.link_keys | source_keys(page)
    for form in reader.forms:
        if form.method == "get" and urlsplit(form.action).path in ("", path):
            names |= set(form.names())
    names = sorted(names)

    @_fuzz_settings()
    @given(params=st.dictionaries(st.sampled_from(names), VALUES, min_size=1, max_size=len(names)))
    def fuzz(params):
        with rolled_back():
            response = client.get(path, params)
        assert response.status_code < 500, (params, _describe(response))

    fuzz()


def _skipped_target(target: str) -> bool:
    """A form posting to a page left out (SKIP), or to logout or the language switch."""
    if target.startswith(("/accounts/logout/", "/i18n/")):
        return True
    try:
        match = resolve(target)
    except Resolver404:
        return False
    return match.view_name in SKIP


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_post_forms_never_500(client, city, page):
    path, first = open_page(client, city, page)
    if first.status_code != 200:
        return
    forms, seen = [], set()
    for form in read(first).forms:
        target = urlsplit(form.action).path or path
        key = (target, tuple(form.names()))
        if form.method != "post" or not form.names() or _skipped_target(target) or key in seen:
            continue
        seen.add(key)
        forms.append((target, form))
    if not forms:
        return
    for target, form in forms:
        fuzz_form(client, target, form)


def fuzz_form(client, target: str, form: Form):
    """POST the form as the page filled it, with up to four of its fields changed or left out."""
    names, base = form.names(), form.data()

    @_fuzz_settings()
    @given(
        changes=st.dictionaries(
            st.sampled_from(names), st.one_of(VALUES, st.just(MISSING)), min_size=1, max_size=4
        )
    )
    def fuzz(changes):
        with rolled_back():
            response = client.post(target, _query({**base, **changes}))
        assert response.status_code < 500, (target, changes, _describe(response))

    fuzz()
