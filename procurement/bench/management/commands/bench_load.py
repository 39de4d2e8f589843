"""The load test on the production topology (docs/performance.md): `make load`.

    manage.py bench_load                        # 50 simulated users for 2 minutes
    manage.py bench_load --run-time 20s         # a short smoke (or LOAD_TIME=20s make load)

Needs PostgreSQL (DATABASE_URL, the benchmark's data set), REDIS_URL and CELERY_BROKER_URL.
Starts gunicorn (2 workers) and a Celery worker, drives them with locust headless, stops them,
prints requests per second and p50/p95/p99 per kind of request, the errors and the budget
reconciliation, and writes var/bench/load-*.json.
"""

import math
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procurement.bench.jobs import json_dir_default
from procurement.bench.load import run
from procurement.bench.load.plan import PlanError


class Command(BaseCommand):
    help = "Load-test gunicorn + Celery + PostgreSQL + Redis with locust (50 users, 2 minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS", 50)))
        parser.add_argument(
            "--run-time", default=os.environ.get("LOAD_TIME", "2m"), help="locust's --run-time."
        )
        parser.add_argument("--spawn-rate", type=float, default=10.0, help="Users started per second.")
        parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", 8077)))
        parser.add_argument("--json-dir", default=str(json_dir_default()))
        parser.add_argument("--check", action="store_true", help="Exit with an error when a goal is missed.")

    def handle(self, *args, users, run_time, spawn_rate, port, json_dir, check, **options):
        if users < 5:
            raise CommandError("--users must be at least 5 (one of each kind of person).")
        try:
            result = run.load_run(
                users=users, run_time=run_time, port=port, spawn_rate=spawn_rate, stdout=self.stdout
            )
        except (run.LoadError, PlanError) as exc:
            raise CommandError(str(exc)) from exc
        except KeyboardInterrupt as exc:
            raise CommandError("Interrupted: gunicorn, Celery and locust were stopped.") from exc
        self._print(result)
        path = run.result_write(result=result, directory=Path(json_dir))
        self.stdout.write(f"Results written to {path}.")
        if check and not result.met:
            raise CommandError("The load test missed its goal.")

    def _print(self, r: run.LoadResult) -> None:
        w = 42
        head = f"{'Request':<{w}} {'count':>6} {'fail':>5} {'req/s':>6} {'p50':>7} {'p95':>7} {'p99':>7}"
        self.stdout.write("")
        self.stdout.write(head)
        self.stdout.write("-" * len(head))
        for row in sorted(r.rows, key=lambda x: x.name) + ([r.total] if r.total else []):
            if row is r.total:
                self.stdout.write("-" * len(head))
            self.stdout.write(
                f"{row.name[:w]:<{w}} {row.requests:>6} {row.failures:>5} {row.rps:>6.1f} "
                f"{_ms(row.median_ms)} {_ms(row.p95_ms)} {_ms(row.p99_ms)}"
            )
        self.stdout.write("")
        for failure in r.failures[:15]:
            self.stdout.write(
                self.style.ERROR(f"  {failure['occurrences']}× {failure['name']}: {failure['error']}")
            )
        moves = ", ".join(f"{n} {action}" for action, n in sorted(r.actions.items())) or "none"
        self.stdout.write(f"Order moves during the run: {moves}; transfers recorded: {r.payments}.")
        rec = r.reconciliation
        line = (
            f"Budget reconciliation: {len(rec.drifts)} drift over {rec.lines:,} lines "
            f"({rec.entries:,} ledger entries), {rec.overspent} overspent."
        )
        self.stdout.write(self.style.SUCCESS(line) if rec.ok else self.style.ERROR(line))
        if r.total:
            verdict = self.style.SUCCESS("met") if r.met else self.style.ERROR("MISSED")
            self.stdout.write(
                f"{r.total.requests:,} requests in {r.seconds:.0f} s ({r.total.rps:.1f}/s), "
                f"{r.errors} errors, p95 {r.total.p95_ms:.0f} ms: goal ({run.GOAL_P95_MS:.0f} ms, 0 errors, "
                f"0 drift) {verdict}."
            )


def _ms(value: float) -> str:
    return f"{'—':>7}" if math.isnan(value) else f"{value:>5.0f}ms"
