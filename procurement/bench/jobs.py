"""The jobs `manage.py bench` times: checkout, paying invoices, the census's export and import, OCDS.

Each goes through the project's own code: `order_place` on real threads and transactions,
`transfer_record` + `transfer_confirm` for paying, the census export page and the register
importer, the OCDS package view. Jobs that would change the data set for good (paying, the
import) run inside a transaction rolled back at the end; checkout must commit (other threads
have to see each order), so it places its orders on a budget line of its own, checks it, then
cancels them (releasing the line) so the data set's open orders stay as they were.
"""

import io
import threading
import time
import tracemalloc
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Sum
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model
from PIL import Image

from marketplace.catalogue.models import FOOD_KINDS
from procurement.bench.results import JobResult
from procurement.budgets.models import BudgetAccount, BudgetLine, LedgerEntry
from procurement.budgets.services import budget_recompute
from procurement.demo.accounts import DEMO_DOMAIN, user_ensure
from procurement.ordering import services as ordering
from procurement.ordering.models import UnitOrder
from procurement.settlement import services as settlement
from procurement.settlement.models import Invoice
from procurement.transparency import selectors as transparency
from procurement.units.models import Membership, Unit
from procurement.units.services import membership_grant
from vendors.census.demo import register_csv, register_rows
from vendors.census.importer import census_import
from vendors.census.models import CensusRecord
from vendors.uploads import SanitisedFile

User = get_user_model()
Basket = get_model("basket", "Basket")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")

GOAL_ORDERS_PER_SECOND = 50.0
GOAL_EXPORT_SECONDS = 5.0
MB = 1024 * 1024


class JobError(Exception):
    """A job could not run on this data set (what it needs is missing)."""


# --- Checkout against one budget line ------------------------------------------------------------


@dataclass
class Attempt:
    officer: object
    basket_id: int
    result: str = "not run"
    detail: object = None
    seconds: float = 0.0


def _checkout_officers(unit: Unit, count: int) -> list:
    """`count` officers (Pemesan) of `unit`: the benchmark's own, made once."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from marketplace.accounts import roles

    group = Group.objects.get(name=roles.BUYER)
    password = make_password(None)
    officers = []
    for n in range(1, count + 1):
        user, _created = user_ensure(
            email=f"bench-checkout-{n}.{unit.code.lower()}@{DEMO_DOMAIN}",
            full_name=f"Pemesan {n} {unit.short_name or unit.code}",
            password_hash=password,
            groups=[group],
        )
        if not Membership.objects.filter(
            user=user, unit=unit, role=Membership.Role.BUYER, is_active=True
        ).exists():
            membership_grant(user=user, unit=unit, role=Membership.Role.BUYER)
        officers.append(user)
    return officers


def _offers(count: int, *, delivery: datetime) -> list:
    """`count` food products of different MSMEs that can be ordered for `delivery` (one each)."""
    lead_ok = int((delivery - timezone.now()).total_seconds() // 3600) - 2
    records = (
        StockRecord.objects.filter(
            partner__is_active=True,
            partner__closed_weekdays="",
            product__is_public=True,
            product__kind__in=["nasi_kotak", "kudapan"],
            product__lead_time_hours__lte=lead_ok,
            product__min_order_qty__lte=20,
            price__lte=40_000,
        )
        .exclude(partner__closed_days__date=timezone.localtime(delivery).date())
        .select_related("product", "partner")
        .order_by("partner_id", "product_id")
        .distinct("partner_id")
        if connection.vendor == "postgresql"
        else StockRecord.objects.filter(
            partner__is_active=True, product__kind__in=list(FOOD_KINDS)
        ).select_related("product", "partner")
    )
    seen, out = set(), []
    for record in records.iterator(chunk_size=500):
        if record.partner_id in seen:
            continue
        seen.add(record.partner_id)
        out.append(record)
        if len(out) == count:
            break
    if len(out) < count:
        raise JobError(f"Only {len(out)} MSMEs sell a box that can be ordered for {delivery:%d-%m-%Y}.")
    return out


def checkout(*, officers: int, orders_each: int, quantity: int = 20) -> JobResult:
    """`officers` officers place `orders_each` orders each, all at once, against one budget line
    that covers three quarters of them: orders per second, and the line never overspent."""
    unit = Unit.objects.filter(is_active=True).order_by("code").first()
    people = _checkout_officers(unit, officers)
    now = timezone.now()
    day = timezone.localdate() + timedelta(days=7)
    delivery = timezone.make_aware(
        datetime(day.year, day.month, day.day, 10), timezone.get_default_timezone()
    )
    attempts_total = officers * orders_each
    records = _offers(attempts_total, delivery=delivery)
    account = BudgetAccount.objects.get(code="5.1.02.01.01.0052")
    totals = [int(r.price) * quantity for r in records]
    covered = int(attempts_total * 0.75)
    pagu = sum(sorted(totals)[:covered])  # the cheapest three quarters fit; the rest cannot all fit
    line = BudgetLine.objects.create(
        unit=unit,
        fiscal_year=delivery.year,
        sub_activity_code=f"9.99.99.2.06.{int(now.timestamp()) % 10**8:08d}",
        sub_activity_name="Benchmark checkout",
        account=account,
        pagu_idr=pagu,
    )
    attempts = []
    for i, record in enumerate(records):
        officer = people[i % officers]
        basket = Basket.objects.create(owner=officer)
        basket.strategy = Selector().strategy(user=officer)
        basket.add_product(record.product, quantity)
        attempts.append(Attempt(officer=officer, basket_id=basket.pk))
    per_officer = [attempts[i::officers] for i in range(officers)]
    barrier = threading.Barrier(officers)

    def run(mine: list[Attempt]) -> None:
        try:
            barrier.wait(timeout=60)
            for attempt in mine:
                basket = Basket.objects.get(pk=attempt.basket_id)
                basket.strategy = Selector().strategy(user=attempt.officer)
                started = time.perf_counter()
                try:
                    uo = ordering.order_place(
                        officer=attempt.officer,
                        basket=basket,
                        event=ordering.EventData(
                            name="Rapat Koordinasi (benchmark)",
                            starts_at=delivery,
                            venue="Balai Kota Semarang, Jl. Pemuda No. 148",
                            participants=quantity,
                            contact_name="Rini Astuti",
                            contact_phone="+6281234567890",
                        ),
                        budget_line=line,
                    )
                except ordering.OrderRefused as exc:
                    attempt.result, attempt.detail = "refused", exc.codes
                else:
                    attempt.result, attempt.detail = "placed", uo.pk
                attempt.seconds = time.perf_counter() - started
        except Exception as exc:  # reported below with its cause
            for attempt in mine:
                if attempt.result == "not run":
                    attempt.result, attempt.detail = "error", exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(mine,)) for mine in per_officer]
    started = time.perf_counter()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
    seconds = time.perf_counter() - started
    errors = [a.detail for a in attempts if a.result not in ("placed", "refused")]
    if errors:
        raise JobError(f"Checkout failed: {errors[:3]}")
    placed = [a for a in attempts if a.result == "placed"]
    refused = [a for a in attempts if a.result == "refused"]
    line.refresh_from_db()
    committed = LedgerEntry.objects.filter(line=line, kind=LedgerEntry.Kind.COMMIT).aggregate(
        s=Sum("amount_idr")
    )
    drift = [d for d in budget_recompute() if d.line.pk == line.pk]
    overspent = line.committed_idr + line.realized_idr > line.pagu_idr
    wrong_refusals = [a for a in refused if a.detail != {"budget"}]
    ok = not overspent and not drift and not wrong_refusals and committed["s"] == line.committed_idr
    # Tidy up: the officers cancel what they placed, which gives the line back (the ledger keeps all).
    for attempt in placed:
        ordering.order_move(
            unit_order=UnitOrder.objects.get(pk=attempt.detail),
            action="cancel",
            actor=attempt.officer,
            reason="Benchmark",
        )
    return JobResult(
        group="checkout",
        name=f"Checkout, {officers} officer(s) on one budget line",
        seconds=seconds,
        items=len(placed),
        unit="orders",
        goal=f"≥ {GOAL_ORDERS_PER_SECOND:.0f} orders/s, 0 overspend",
        met=ok and len(placed) / seconds >= GOAL_ORDERS_PER_SECOND,
        note=(
            f"{len(placed)} placed, {len(refused)} refused for the budget; "
            + ("pagu held, ledger balances" if ok else "OVERSPENT OR DRIFT")
        ),
        extra={
            "attempts": attempts_total,
            "placed": len(placed),
            "refused": len(refused),
            "pagu_idr": line.pagu_idr,
            "committed_at_end_idr": committed["s"],
            "overspent": overspent,
            "ledger_drift": bool(drift),
            "median_order_ms": round(sorted(a.seconds for a in placed)[len(placed) // 2] * 1000, 1)
            if placed
            else None,
        },
    )


# --- Paying invoices -----------------------------------------------------------------------------


def _proof() -> SanitisedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (230, 236, 240)).save(buffer, "JPEG", quality=70)
    return SanitisedFile(content=buffer.getvalue(), extension="jpg", content_type="image/jpeg")


class _Rollback(Exception):
    pass


def pay_invoices(*, count: int) -> JobResult:
    """The Bendahara records `count` transfers and each MSME confirms it (the real services), in
    a transaction rolled back afterwards: invoices per second."""
    invoices = list(
        Invoice.objects.filter(status=Invoice.Status.UNPAID)
        .select_related("unit_order__unit", "unit_order__partner")
        .order_by("received_at", "pk")[:count]
    )
    if not invoices:
        raise JobError("No unpaid invoices in the data set.")
    treasurers = {
        m.unit_id: m.user
        for m in Membership.objects.filter(role=Membership.Role.TREASURER, is_active=True).select_related(
            "user"
        )
    }
    owners = {}
    proof = _proof()
    today = timezone.localdate()
    paid = 0
    with (
        TemporaryDirectory() as private,
        override_settings(
            STORAGES={
                **settings.STORAGES,
                "private": {
                    "BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": private},
                },
            },
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
    ):
        started = time.perf_counter()
        try:
            with transaction.atomic():
                for invoice in invoices:
                    unit_id = invoice.unit_order.unit_id
                    partner = invoice.unit_order.partner
                    if partner.pk not in owners:
                        owners[partner.pk] = partner.users.order_by("pk").first()
                    payment = settlement.transfer_record(
                        invoice=invoice,
                        treasurer=treasurers[unit_id],
                        transfer_date=today,
                        amount_idr=_net_on(invoice, today),
                        bank_name="Bank Jateng",
                        reference=f"SP2D/BENCH/{invoice.pk}",
                        proof=proof,
                    )
                    settlement.transfer_confirm(payment=payment, vendor_user=owners[partner.pk])
                    paid += 1
                seconds = time.perf_counter() - started
                raise _Rollback
        except _Rollback:
            pass
    transparency.public_figures_changed()
    return JobResult(
        group="settlement",
        name=f"Paying {paid:,} invoices by transfer",
        seconds=seconds,
        items=paid,
        unit="invoices",
        note="transfer_record + transfer_confirm each; rolled back afterwards",
    )


def _net_on(invoice: Invoice, day) -> int:
    """The net the Bendahara transfers on `day` (PPh follows the PP 55 certificate on that day)."""
    from procurement.settlement import taxes

    vendor = invoice.unit_order.partner.vendor
    kind = taxes.pph_kind_for(vendor, day)
    if kind == invoice.pph_kind:
        return invoice.net_idr
    rule = taxes.rule_in_force(kind=kind, on=day)
    return invoice.total_idr - taxes.share(invoice.subtotal_idr, rule.rate_bp)


# --- The census: export and import ---------------------------------------------------------------


def _analyst():
    from marketplace.accounts import roles

    return User.objects.filter(is_active=True, groups__name=roles.ANALYST).order_by("pk").first()


def census_export(*, file_format: str = "csv", kecamatan_id: int | None = None) -> JobResult:
    """The register downloaded from the census export page as the Analis: seconds, peak memory."""
    analyst = _analyst()
    if analyst is None:
        raise JobError("No Analis account: run manage.py seed_demo.")
    client = Client()
    client.force_login(analyst)
    params = {"table": "register", "format": file_format}
    if kecamatan_id:
        params["kecamatan"] = kecamatan_id
    url = reverse("census:export")

    def download():
        response = client.get(url, params)
        size, rows = 0, 0
        for chunk in response.streaming_content if response.streaming else [response.content]:
            size += len(chunk)
            rows += chunk.count(b"\n") if file_format == "csv" else 0
        if response.status_code != 200:
            raise JobError(f"The census export answered {response.status_code}.")
        return size, rows

    # Timed without tracemalloc (it slows allocation-heavy code several-fold: openpyxl's XML
    # writer most), then once more traced for the peak memory.
    started = time.perf_counter()
    size, rows = download()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    download()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    client.logout()
    records = CensusRecord.objects.filter(kecamatan_id=kecamatan_id) if kecamatan_id else CensusRecord.objects
    count = records.count()
    where = "one kecamatan" if kecamatan_id else "the whole register"
    return JobResult(
        group="census",
        name=f"Census export, {where} ({file_format.upper()})",
        seconds=seconds,
        items=count,
        unit="MSMEs",
        peak_mb=round(peak / MB, 1),
        goal=f"≤ {GOAL_EXPORT_SECONDS:.0f} s at 20,000, flat memory",
        met=seconds <= GOAL_EXPORT_SECONDS * max(1, count / 20_000) if not kecamatan_id else None,
        note=f"{size / MB:.1f} MB" + (f", {rows - 1:,} rows" if rows else ""),
    )


def census_import_job(*, rows: int) -> JobResult:
    """`rows` new register rows imported through the importer, rolled back afterwards."""
    present = CensusRecord.objects.exclude(source=CensusRecord.Source.PLATFORM).count()
    data = register_rows(rows=present + rows, seed=17)[present:]
    upload = io.BytesIO(register_csv(data))
    upload.name = "register-bench.csv"
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            report = census_import(file=upload, source=CensusRecord.Source.KOPIMI)
            seconds = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return JobResult(
        group="census",
        name=f"Register import, {rows:,} rows",
        seconds=seconds,
        items=report.created + report.updated,
        unit="rows",
        peak_mb=round(peak / MB, 1),
        note=f"{report}; rolled back afterwards",
    )


# --- OCDS ------------------------------------------------------------------------------------------


def ocds_year(*, year: int, month: int | None = None) -> JobResult:
    """One year's (or one month's) OCDS release package from its public URL: seconds, peak memory."""
    client = Client()
    if month:
        url = reverse("transparency:ocds-month", args=[year, month])
    else:
        url = reverse("transparency:ocds-year", args=[year])
    with override_settings(API_THROTTLE_RATES={"anon": "100000/minute", "user": "100000/minute"}):
        tracemalloc.start()
        started = time.perf_counter()
        response = client.get(url)
        size = 0
        for chunk in response.streaming_content if response.streaming else [response.content]:
            size += len(chunk)
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    if response.status_code != 200:
        raise JobError(f"{url} answered {response.status_code}.")
    start, end = transparency.Period(year, month).bounds()
    count = Invoice.objects.filter(status=Invoice.Status.PAID, paid_at__gte=start, paid_at__lt=end).count()
    return JobResult(
        group="ocds",
        name=f"OCDS release package {year}" + (f"-{month:02d}" if month else ""),
        seconds=seconds,
        items=count,
        unit="releases",
        peak_mb=round(peak / MB, 1),
        note=f"{size / MB:.1f} MB of JSON",
    )


def json_dir_default() -> Path:
    return Path(settings.BASE_DIR) / "var" / "bench"
