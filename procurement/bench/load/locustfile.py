"""The load test's simulated people (locust): `manage.py bench_load` runs this file headless.

It reads the plan (`LOAD_PLAN`, written by `procurement.bench.load.plan`): one account per
simulated user, logged in once at its start. Each kind of person does what that person does
on the site, through the real pages and forms (CSRF tokens read from the pages):

- visitors: the listing, a search, a product, an MSME's page, a category, the transparency page;
- officers: the listing (Pemerataan, their default) or a search, a product page, the basket,
  checkout against their unit's budget line, the order, now and then their order history;
- MSMEs: their incoming orders, confirming each new one, and confirming transfers received;
- the Bendahara: the payables, an invoice, recording its bank transfer with a proof;
- the Analis: the statistics dashboard and the transparency page.

Request names say the kind ("officer: checkout"), so locust reports p50/p95/p99 per kind. A
response is a failure when its status is not the expected one or the page does not show what
the step should have done (an order placed, a status moved); a refused checkout is a failure.

Not imported by the project or its tests (locust patches the standard library with gevent).
"""

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task
from locust.exception import StopUser

PLAN = json.loads(open(os.environ.get("LOAD_PLAN", "var/bench/load/plan.json"), encoding="utf-8").read())
PROOF = open(os.environ.get("LOAD_PROOF", "var/bench/load/proof.jpg"), "rb").read()
SEED = int(os.environ.get("LOAD_SEED", "19"))
WAIT = between(1, 3)  # a person's pause between two steps, seconds

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ORDER_URL = re.compile(r"/pesanan/(\d+)/$")
ORDER_LINK = re.compile(r'href="/pesanan/(\d+)/"')
INVOICE_LINK = re.compile(r'href="/bayar/tagihan/(\d+)/"')
CONFIRM_ORDER = re.compile(r'action="(/pesanan/\d+/confirm/)"')
CONFIRM_TRANSFER = re.compile(r'action="(/bayar/pembayaran/\d+/konfirmasi/)"')
AMOUNT = re.compile(r'name="amount_idr"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="amount_idr"')
STATUS = re.compile(r'id="(?:order|invoice)-status" data-status="([a-z_]+)"')

_accounts = {
    kind: itertools.cycle(PLAN[kind]) if PLAN[kind] else iter(())
    for kind in ("officers", "msmes", "treasurers", "analysts")
}
_taken = {kind: 0 for kind in _accounts}
_random = random.Random(SEED)


def _csrf(text: str) -> str:
    found = CSRF.search(text)
    return found.group(1) if found else ""


class Person(HttpUser):
    abstract = True
    wait_time = WAIT
    kind = ""
    role = ""

    def on_start(self):
        self.random = random.Random(_random.random())
        if not self.role:
            return
        if _taken[self.role] >= len(PLAN[self.role]):
            raise StopUser()  # more simulated users of this kind than accounts: never share one
        _taken[self.role] += 1
        self.account = next(_accounts[self.role])
        self.login()

    def login(self):
        page = self.client.get("/accounts/login/", name=f"{self.kind}: login page")
        with self.client.post(
            "/accounts/login/",
            data={
                "login": self.account["email"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": _csrf(page.text),
            },
            headers={"Referer": self.client.base_url + "/accounts/login/"},
            name=f"{self.kind}: log in",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or 'href="/accounts/logout/"' not in response.text:
                response.failure(f"{self.account['email']} could not log in ({response.status_code})")
                raise StopUser()

    def get(self, url, name, check=None):
        """GET a page; `check(response)` says what it must show (a message for the failure, or None)."""
        with self.client.get(url, name=f"{self.kind}: {name}", catch_response=True) as response:
            problem = f"{url}: {response.status_code}" if response.status_code != 200 else None
            if problem is None and check:
                problem = check(response)
            if problem:
                response.failure(problem)
            return response

    def post(self, url, data, name, *, page, files=None, check=None):
        """POST a form of `page` (the address it was on; its CSRF token in `data`) and follow the
        redirect; `check(response)` says what the page must show afterwards (a message for the
        failure, or None)."""
        with self.client.post(
            url,
            data=data,
            files=files,
            headers={"Referer": self.client.base_url + page},
            name=f"{self.kind}: {name}",
            catch_response=True,
        ) as response:
            problem = None
            if response.status_code != 200:
                problem = f"{url}: {response.status_code}"
            elif check:
                problem = check(response)
            if problem:
                response.failure(problem)
            return response


class Visitor(Person):
    """Anyone: browsing and searching the catalogue, MSMEs' pages, the transparency page."""

    kind = "anonymous"
    fixed_count = PLAN["anonymous"]

    @task(3)
    def listing(self):
        page = self.random.choice((1, 1, 1, 2, 3, 5))
        self.get(f"/catalogue/?page={page}" if page > 1 else "/catalogue/", "listing")

    @task(3)
    def search(self):
        self.get(f"/catalogue/?q={self.random.choice(PLAN['words'])}", "search")

    @task(3)
    def product(self):
        self.get(self.random.choice(PLAN["product_urls"]), "product page")

    @task(1)
    def vendor(self):
        self.get(self.random.choice(PLAN["vendor_urls"]), "MSME page")

    @task(1)
    def category(self):
        self.get(self.random.choice(PLAN["category_urls"]), "category")

    @task(1)
    def home(self):
        self.get("/", "home")

    @task(1)
    def transparency(self):
        self.get("/transparansi/", "transparency")


class Officer(Person):
    """A Pemesan: finds a box, puts it in the basket, checks out against the unit's line."""

    kind = "officer"
    role = "officers"
    fixed_count = len(PLAN["officers"])

    @task(4)
    def order(self):
        if self.random.random() < 0.5:
            self.get("/catalogue/", "listing (Pemerataan)")
        else:
            self.get(f"/catalogue/?q={self.random.choice(PLAN['words'])}", "search")
        # Half the orders go to the MSMEs simulated here (so they have orders to confirm).
        offers = PLAN["msme_offers"] if self.random.random() < 0.5 else PLAN["offers"]
        offer = self.random.choice(offers)
        product = self.get(offer["url"], "product page")
        quantity = max(PLAN["quantity"], offer["min_qty"])
        self.post(
            f"/basket/add/{offer['product']}/",
            {"quantity": quantity, "csrfmiddlewaretoken": _csrf(product.text)},
            "add to basket",
            page=offer["url"],
            check=lambda r: (
                None if r.url.endswith(offer["url"]) or "/basket/" in r.url else f"went to {r.url}"
            ),
        )
        form = self.get(
            "/checkout/",
            "checkout page",
            check=lambda r: (
                None if 'id="event-form"' in r.text else "no checkout form (the basket is empty?)"
            ),
        )
        if 'id="event-form"' not in form.text:
            return
        self.post(
            "/checkout/",
            {
                "csrfmiddlewaretoken": _csrf(form.text),
                "name": "Rapat Koordinasi (uji beban)",
                "starts_at": self.random.choice(PLAN["days"]),
                "venue": "Balai Kota Semarang, Jl. Pemuda No. 148",
                "participants": quantity,
                "contact_name": "Rini Astuti",
                "contact_phone": "0812-3456-7890",
                "budget_line": self.account["budget_line"],
            },
            "checkout (place order)",
            page="/checkout/",
            check=lambda r: None if ORDER_URL.search(r.url) else f"not placed: {_problems(r.text)}",
        )

    @task(1)
    def history(self):
        self.get("/pesanan/", "order history")


class Msme(Person):
    """An MSME owner: incoming orders, confirming new ones; transfers received, confirming them."""

    kind = "msme"
    role = "msmes"
    fixed_count = len(PLAN["msmes"])

    def on_start(self):
        self.done: set[str] = set()
        super().on_start()

    @task(3)
    def confirm_orders(self):
        incoming = self.get("/umkm/pesanan/", "incoming orders")
        for pk in ORDER_LINK.findall(incoming.text):
            if pk in self.done:
                continue
            self.done.add(pk)
            page = self.get(f"/pesanan/{pk}/", "order page")
            found = CONFIRM_ORDER.search(page.text)
            if found:
                self.post(
                    found.group(1),
                    {"csrfmiddlewaretoken": _csrf(page.text)},
                    "confirm order",
                    page=f"/pesanan/{pk}/",
                    check=lambda r: _status_is(r, PLAN["statuses"]["after_confirm"]),
                )
                return

    @task(1)
    def confirm_transfers(self):
        payments = self.get("/umkm/pembayaran/", "payments")
        for pk in INVOICE_LINK.findall(payments.text)[:5]:
            key = f"invoice-{pk}"
            if key in self.done:
                continue
            page = self.get(f"/bayar/tagihan/{pk}/", "invoice")
            found = CONFIRM_TRANSFER.search(page.text)
            if found:
                self.done.add(key)
                self.post(
                    found.group(1),
                    {"csrfmiddlewaretoken": _csrf(page.text)},
                    "confirm transfer",
                    page=f"/bayar/tagihan/{pk}/",
                    check=lambda r: _status_is(r, PLAN["statuses"]["after_pay"]),
                )
                return


class Treasurer(Person):
    """The Bendahara: the oldest unpaid invoice, paid by bank transfer with the bank's proof."""

    kind = "bendahara"
    role = "treasurers"
    fixed_count = len(PLAN["treasurers"])

    def on_start(self):
        self.tried: set[str] = set()
        super().on_start()

    @task
    def pay(self):
        payables = self.get("/bayar/", "payables")
        pk = next((pk for pk in _unpaid(payables.text) if pk not in self.tried), None)
        if pk is None:
            return
        self.tried.add(pk)
        page = self.get(f"/bayar/tagihan/{pk}/", "invoice")
        amount = AMOUNT.search(page.text)
        if not amount:
            return  # paid meanwhile, or not by transfer
        self.post(
            f"/bayar/tagihan/{pk}/transfer/",
            {
                "csrfmiddlewaretoken": _csrf(page.text),
                "transfer_date": PLAN["today"],
                "amount_idr": amount.group(1) or amount.group(2),
                "bank_name": "Bank Jateng",
                "reference": f"SP2D/BEBAN/{pk}",
            },
            "record transfer",
            page=f"/bayar/tagihan/{pk}/",
            files={"proof": ("bukti-transfer.jpg", PROOF, "image/jpeg")},
            check=lambda r: _status_is(r, "awaiting_confirmation"),
        )


class Analyst(Person):
    """The Analis: the MSME statistics and the public figures."""

    kind = "analis"
    role = "analysts"
    fixed_count = len(PLAN["analysts"])

    @task(3)
    def dashboard(self):
        self.get("/statistik/", "dashboard")

    @task(1)
    def transparency(self):
        self.get("/transparansi/", "transparency")


def _unpaid(text: str) -> list[str]:
    found = []
    for block in text.split('data-invoice="')[1:]:
        pk, _, rest = block.partition('"')
        if 'data-status="unpaid"' in rest.split("</li>", 1)[0]:
            found.append(pk)
    return found


def _status_is(response, status: str) -> str | None:
    found = STATUS.search(response.text)
    shown = found.group(1) if found else "none"
    return None if shown == status else f"status {shown}, expected {status}"


def _problems(text: str) -> str:
    alerts = re.findall(r'class="[^"]*(?:alert-danger|invalid-feedback)[^"]*"[^>]*>(.*?)<', text, re.S)
    return "; ".join(a.strip() for a in alerts if a.strip())[:300] or "no message"
