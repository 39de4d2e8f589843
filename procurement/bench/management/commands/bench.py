"""Time the hot paths on the city-scale data set (docs/performance.md).

    manage.py bench_seed                          # once: the data set (make bench does both)
    manage.py bench                               # every scenario
    manage.py bench --only catalogue,checkout     # some groups
    manage.py bench --quick                       # fewer requests and smaller jobs
    manage.py bench --fairness                    # the catalogue's fairness simulation

Groups: catalogue (listing, search, category, product page), pages (each role's pages, the
dashboard, the transparency page, the API), checkout (1 and 8 officers on one budget line),
settlement (paying 1,000 invoices), census (export and register import), ocds (a year's
package), growth (the pages over orders at 10,000 and 1,000,000 lines).

Pages are requested in-process (django.test.Client) against the configured database, so the
figures are server time: middleware, queries and templates, no network. Each row is printed
and all are written as JSON to var/bench/ (latest.json and one file per run).
"""

import json
import os
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test.utils import override_settings
from django.urls import get_resolver
from oscar.core.loading import get_model

from procurement.bench import fairness as fairness_simulation
from procurement.bench import growth, jobs, pages
from procurement.bench.dataset import dataset_counts
from procurement.bench.models import BenchDataSet
from procurement.bench.results import GrowthResult, JobResult, PageResult, machine, now_iso, results_write
from procurement.bench.vacuum import vacuum_bloated
from vendors.census.models import CensusRecord

Product = get_model("catalogue", "Product")
Line = get_model("order", "Line")

CITY_SCALE_PRODUCTS = 100_000
GROUPS = ("catalogue", "pages", "checkout", "settlement", "census", "ocds", "growth")
HIDDEN_GROUPS = ("growing",)  # the growth table's pages alone (run on the small database)


class Command(BaseCommand):
    help = (
        "Time the catalogue, each role's pages, checkout, settlement, the census's export and import "
        "and OCDS on the city-scale data set (manage.py bench_seed first); print one row per scenario "
        "and write var/bench/*.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", default="", help=f"Comma-separated groups: {', '.join(GROUPS)}.")
        parser.add_argument("--quick", action="store_true", help="Fewer requests and smaller jobs.")
        parser.add_argument("--requests", type=int, default=None, help="Timed requests per page (30).")
        parser.add_argument("--warmup", type=int, default=None, help="Untimed requests per page first (3).")
        parser.add_argument(
            "--allow-small",
            action="store_true",
            help=f"Run with fewer than {CITY_SCALE_PRODUCTS:,} products (the figures then say little).",
        )
        parser.add_argument("--check", action="store_true", help="Exit with an error when a goal is missed.")
        parser.add_argument("--json-dir", default=str(jobs.json_dir_default()), help="Where results go.")
        parser.add_argument("--json-file", default="", help="Write the results to this file instead.")
        parser.add_argument(
            "--fairness", action="store_true", help="Run the fairness simulation of the catalogue's ordering."
        )
        parser.add_argument(
            "--rotation-limit",
            type=int,
            default=None,
            help="With --fairness: the rotation's monthly limit to simulate (default: the setting "
            "ORDER_ROTATION_MONTHLY_LIMIT).",
        )
        parser.add_argument(
            "--scenarios",
            default="",
            help="With --fairness: only the scenarios whose name contains one of these (separated by |: "
            "the names hold commas); "
            "run one at a time: each holds the sold MSMEs' rows until its scenario ends.",
        )

    def handle(
        self,
        *args,
        only,
        quick,
        requests,
        warmup,
        allow_small,
        check,
        json_dir,
        json_file,
        fairness,
        scenarios="",
        rotation_limit=None,
        **o,
    ):
        groups = [g.strip() for g in only.split(",") if g.strip()] or list(GROUPS)
        unknown = [g for g in groups if g not in GROUPS + HIDDEN_GROUPS]
        if unknown:
            raise CommandError(f"Unknown group(s) {', '.join(unknown)}: choose from {', '.join(GROUPS)}.")
        requests = requests if requests is not None else (5 if quick else 30)
        warmup = warmup if warmup is not None else (1 if quick else 3)
        if requests < 1 or warmup < 0:
            raise CommandError("--requests must be at least 1 and --warmup cannot be negative.")
        products = Product.objects.count()
        if products < CITY_SCALE_PRODUCTS and not allow_small:
            raise CommandError(
                f"The database holds {products:,} products; the benchmark needs the city-scale data set "
                f"(at least {CITY_SCALE_PRODUCTS:,}). Create it first with\n\n"
                "    python manage.py bench_seed\n\n"
                "(or pass --allow-small to measure this data set anyway)."
            )
        # Load the URLconf now (the first reverse() imports every view module, PDFs and XLSX
        # included: seconds that would land on whichever scenario comes first).
        get_resolver().resolve("/")
        counts = dataset_counts()
        data_set = BenchDataSet.objects.order_by("-built_at").first()
        self.stdout.write(
            f"Data set: {counts['msmes']:,} MSMEs, {counts['products']:,} products, "
            f"{counts['orders']:,} orders, {counts['order_lines']:,} order lines on {connection.vendor} "
            f"({connection.settings_dict.get('NAME')})"
            + (f", built in {data_set.seconds:.0f} s." if data_set else ".")
        )
        self._say_load()
        if connection.vendor != "postgresql":
            self.stdout.write(
                self.style.WARNING("The goals are for PostgreSQL; SQLite figures are for comparison only.")
            )
        out = {
            "started": now_iso(),
            "machine": machine(),
            "data_set": counts,
            "options": {"groups": groups, "quick": quick, "requests": requests, "warmup": warmup},
            "pages": [],
            "jobs": [],
            "growth": [],
        }
        page_results: list[PageResult] = []
        job_results: list[JobResult] = []
        growth_results: list[GrowthResult] = []
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        quiet = {
            "ALLOWED_HOSTS": hosts,
            "STAFF_MFA_REQUIRED": False,  # force_login: the benchmark's people skip the second factor
            "API_THROTTLE_RATES": {"anon": "1000000/minute", "user": "1000000/minute"},
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        if rotation_limit is not None:
            quiet["ORDER_ROTATION_MONTHLY_LIMIT"] = rotation_limit
        with override_settings(**quiet):
            if fairness:
                try:
                    job_results += fairness_simulation.run(
                        quick=quick,
                        stdout=self.stdout,
                        only=[n.strip() for n in scenarios.split("|") if n.strip()],
                    )
                except fairness_simulation.FairnessNotBuilt as exc:
                    raise CommandError(str(exc)) from exc
            else:
                page_results, job_results, growth_results = self._run(groups, requests, warmup, quick)
        out["pages"] = [r.as_json() for r in page_results]
        out["jobs"] = [r.as_json() for r in job_results]
        out["growth"] = [r.as_json() for r in growth_results]
        out["finished"] = now_iso()
        if json_file:
            Path(json_file).write_text(json.dumps(out, default=str, indent=2))
        else:
            path = results_write(directory=Path(json_dir), data=out)
            self.stdout.write(f"Results written to {path}.")
        missed = [r.name for r in page_results if r.met is False]
        missed += [r.name for r in job_results if r.met is False]
        missed += [r.name for r in growth_results if not r.met]
        if missed:
            self.stdout.write(self.style.WARNING(f"Goals missed: {', '.join(missed)}."))
        if missed and check:
            raise CommandError(f"{len(missed)} goal(s) missed.")

    # --- The groups ---------------------------------------------------------------------------

    def _run(self, groups, requests, warmup, quick):
        page_results, job_results, growth_results = [], [], []
        page_groups = [g for g in groups if g in pages.PAGE_GROUPS or g in ("growing", "growth")]
        if page_groups:
            vacuum_bloated(self.stdout)  # what autovacuum would have done (procurement/bench/vacuum.py)
            try:
                actors = pages.actors_find()
            except pages.BenchError as exc:
                raise CommandError(str(exc)) from exc
            clients: dict = {}
            try:
                todo = []
                for group in groups:
                    if group in pages.PAGE_GROUPS:
                        todo += pages.PAGE_GROUPS[group](actors)
                    elif group in ("growing", "growth") and "pages" not in groups:
                        todo += pages.pages_growing(actors)
                if todo:
                    self._page_header()
                for page in todo:
                    try:
                        result = pages.page_measure(page, requests=requests, warmup=warmup, clients=clients)
                    except pages.BenchError as exc:
                        raise CommandError(str(exc)) from exc
                    self._page_row(result)
                    page_results.append(result)
            finally:
                pages.clients_close(clients)
                cache.clear()
        if any(g in groups for g in ("checkout", "settlement", "census", "ocds")):
            self._job_header()
        try:
            if "checkout" in groups:
                for officers, each in ((1, 20 if quick else 60), (8, 5 if quick else 30)):
                    job_results.append(self._job(jobs.checkout(officers=officers, orders_each=each)))
            if "settlement" in groups:
                job_results.append(self._job(jobs.pay_invoices(count=100 if quick else 1000)))
            if "census" in groups:
                kecamatan = _busiest_kecamatan()
                job_results.append(self._job(jobs.census_export(file_format="csv")))
                if kecamatan:
                    job_results.append(
                        self._job(jobs.census_export(file_format="csv", kecamatan_id=kecamatan))
                    )
                if not quick:
                    job_results.append(self._job(jobs.census_export(file_format="xlsx")))
                job_results.append(self._job(jobs.census_import_job(rows=2_000 if quick else 20_000)))
            if "ocds" in groups:
                year = date.today().year - 1
                job_results.append(self._job(jobs.ocds_year(year=year, month=6 if quick else None)))
        except jobs.JobError as exc:
            raise CommandError(str(exc)) from exc
        if "growth" in groups:
            growth_results = self._growth(page_results, requests, warmup)
        return page_results, job_results, growth_results

    def _growth(self, page_results, requests, warmup) -> list[GrowthResult]:
        try:
            url = growth.small_database_url()
            self.stdout.write("")
            self.stdout.write(f"Growth: the same pages on a data set of {growth.SMALL_LINES:,} order lines…")
            growth.small_database_ensure(url=url, stdout=self.stdout)
            small = growth.small_pages_measure(url=url, requests=requests, warmup=warmup, stdout=self.stdout)
        except growth.GrowthUnavailable as exc:
            self.stdout.write(self.style.WARNING(f"Growth skipped: {exc}"))
            return []
        large_lines = Line.objects.count()
        small_pages = {p["name"]: p for p in small["pages"]}
        results = []
        for result in page_results:
            other = small_pages.get(result.name)
            if other is None:
                continue
            results.append(
                GrowthResult(
                    name=result.name,
                    small_lines=small["data_set"]["order_lines"],
                    large_lines=large_lines,
                    small_ms=other["median_ms"],
                    large_ms=result.median_ms,
                    small_queries=other["queries"],
                    large_queries=result.queries,
                )
            )
        self._growth_table(results)
        return results

    # --- Printing -----------------------------------------------------------------------------

    W = 38

    def _page_header(self) -> None:
        head = (
            f"{'Page':<{self.W}} {'req':>4} {'median':>9} {'p95':>9} {'SQL':>8} {'queries':>7} "
            f"{'floor':>8} {'ratio':>6}  goal"
        )
        self.stdout.write("")
        self.stdout.write(head)
        self.stdout.write("-" * len(head))

    def _page_row(self, r: PageResult) -> None:
        floor = f"{r.floor_ms:>6.2f}ms" if r.floor_ms else f"{'—':>8}"
        ratio = f"{r.ratio:>5.0f}×" if r.ratio else f"{'—':>6}"
        goal = ""
        if r.goal_ms is not None:
            mark = self.style.SUCCESS("met") if r.met else self.style.ERROR("MISSED")
            goal = f"≤ {r.goal_ms:.0f} ms {mark}"
        self.stdout.write(
            f"{r.name[: self.W]:<{self.W}} {r.requests:>4} {r.median_ms:>7.1f}ms {r.p95_ms:>7.1f}ms "
            f"{r.sql_median_ms:>6.1f}ms {r.queries:>7} {floor} {ratio}  {goal}"
        )

    def _job_header(self) -> None:
        head = f"{'Job':<{self.W + 12}} {'seconds':>8} {'items':>8} {'per s':>8} {'peak MB':>8}  note"
        self.stdout.write("")
        self.stdout.write(head)
        self.stdout.write("-" * len(head))

    def _job(self, r: JobResult) -> JobResult:
        peak = f"{r.peak_mb:>8.1f}" if r.peak_mb is not None else f"{'—':>8}"
        goal = ""
        if r.met is not None:
            goal = " " + (self.style.SUCCESS("met") if r.met else self.style.ERROR("MISSED")) + f" ({r.goal})"
        self.stdout.write(
            f"{r.name[: self.W + 12]:<{self.W + 12}} {r.seconds:>8.2f} {r.items:>8,} {r.per_second:>8.1f} "
            f"{peak}  {r.note}{goal}"
        )
        return r

    def _growth_table(self, results: list[GrowthResult]) -> None:
        if not results:
            return
        small, large = results[0].small_lines, results[0].large_lines
        head = (
            f"{'Page':<{self.W}} {f'{small:,} lines':>14} {f'{large:,} lines':>16} {'ratio':>6}  goal ≤ 1.2"
        )
        self.stdout.write("")
        self.stdout.write(head)
        self.stdout.write("-" * len(head))
        for r in results:
            mark = self.style.SUCCESS("met") if r.met else self.style.ERROR("MISSED")
            self.stdout.write(
                f"{r.name[: self.W]:<{self.W}} {r.small_ms:>12.1f}ms {r.large_ms:>14.1f}ms "
                f"{r.ratio:>6.2f}  {mark}"
            )

    def _say_load(self) -> None:
        """Figures from a busy machine say little: tell how busy it is."""
        try:
            load = os.getloadavg()[0]
        except OSError:
            return
        cpus = os.cpu_count() or 1
        line = f"Load average {load:.1f} on {cpus} CPU(s)."
        if load > cpus:
            line += " The machine is busy: times are inflated; measure again when it is idle."
            self.stdout.write(self.style.WARNING(line))
        else:
            self.stdout.write(line)


def _busiest_kecamatan() -> int | None:
    row = (
        CensusRecord.objects.exclude(kecamatan=None)
        .values("kecamatan_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return row["kecamatan_id"] if row else None
