"""Start the production topology, drive it with locust, stop it, read the figures.

gunicorn (2 workers, `config.wsgi`, static files by WhiteNoise) and a Celery worker on Redis
are started beside the configured PostgreSQL as child processes, each in its own process group;
`try/finally` plus a SIGTERM/SIGINT handler stops them whatever happens (the trap): SIGTERM to
each group, SIGKILL after 20 s. Their logs go to var/bench/load/.
"""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from procurement.bench.load.plan import plan_build
from procurement.bench.load.reconcile import Reconciliation, budget_reconciliation
from procurement.bench.results import machine, now_iso
from procurement.ordering.models import OrderAction
from procurement.settlement.models import Payment

LOAD_DIR = Path(settings.BASE_DIR) / "var" / "bench" / "load"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
GOAL_P95_MS = 200.0
WORKERS = 2


class LoadError(Exception):
    """The topology could not be started, or locust did not run."""


@dataclass
class Row:
    """One kind of request, as locust counted it (times in ms)."""

    name: str
    requests: int
    failures: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    rps: float

    def as_json(self) -> dict:
        return self.__dict__.copy()


@dataclass
class LoadResult:
    users: int
    seconds: float
    rows: list[Row]
    total: Row | None
    failures: list[dict]
    reconciliation: Reconciliation
    actions: dict[str, int] = field(default_factory=dict)  # order moves made during the run
    payments: int = 0
    server_errors: int = 0  # tracebacks in gunicorn's log

    @property
    def errors(self) -> int:
        return (self.total.failures if self.total else 0) + self.server_errors

    @property
    def met(self) -> bool:
        return (
            self.total is not None
            and self.total.requests > 0
            and self.errors == 0
            and self.total.p95_ms <= GOAL_P95_MS
            and self.reconciliation.ok
        )

    def as_json(self) -> dict:
        return {
            "users": self.users,
            "seconds": round(self.seconds, 1),
            "rows": [r.as_json() for r in self.rows],
            "total": self.total.as_json() if self.total else None,
            "errors": self.errors,
            "server_errors": self.server_errors,
            "failures": self.failures,
            "order_moves": self.actions,
            "payments_recorded": self.payments,
            "reconciliation": self.reconciliation.as_json(),
            "goal": f"0 errors, p95 ≤ {GOAL_P95_MS:.0f} ms, 0 drift",
            "met": self.met,
        }


def stats_read(text: str) -> tuple[list[Row], Row | None]:
    """locust's `<prefix>_stats.csv`: one row per request name, and the aggregated row."""
    rows, total = [], None
    for record in csv.DictReader(io.StringIO(text)):
        row = Row(
            name=record["Name"],
            requests=int(record["Request Count"]),
            failures=int(record["Failure Count"]),
            median_ms=_number(record["50%"]),
            p95_ms=_number(record["95%"]),
            p99_ms=_number(record["99%"]),
            rps=round(_number(record["Requests/s"]), 2),
        )
        if record["Name"] == "Aggregated":
            total = row
        else:
            rows.append(row)
    return rows, total


def failures_read(text: str) -> list[dict]:
    """locust's `<prefix>_failures.csv`: what failed, how often."""
    return [
        {"name": r["Name"], "error": r["Error"], "occurrences": int(r["Occurrences"])}
        for r in csv.DictReader(io.StringIO(text))
    ]


def _number(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def child_env(*, port: int) -> dict:
    """The environment of gunicorn, Celery and locust: this one, with the load run's settings.

    Staff two-factor is off as in the demo (`make run`): simulated Bendahara and Analis log in
    with a password only. DEBUG is off, as in production. Pemerataan's rotation is off: half the
    simulated officers' orders go on purpose to the few simulated MSMEs (so they have orders to
    confirm), more than a month's limit allows. (The rule costs a checkout one indexed COUNT,
    left out here.)"""
    env = dict(os.environ)
    env.update(
        STAFF_MFA_REQUIRED="false",
        ORDER_ROTATION_MONTHLY_LIMIT="0",
        DEBUG="false",
        SITE_URL=f"http://127.0.0.1:{port}",
        PYTHONUNBUFFERED="1",
    )
    return env


class Topology:
    """The child processes of one run; `stop()` ends them all (also called on a signal)."""

    def __init__(self, *, port: int, directory: Path, stdout):
        self.port, self.directory, self.stdout = port, directory, stdout
        self.children: list[tuple[str, subprocess.Popen, object]] = []
        self.env = child_env(port=port)

    def start(self, name: str, argv: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.directory / f"{name}.log", "w")  # noqa: SIM115 (closed in stop())
        process = subprocess.Popen(
            argv,
            cwd=settings.BASE_DIR,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole
        )
        self.children.append((name, process, log))
        return process

    def stop(self) -> None:
        for _name, process, _log in reversed(self.children):
            if process.poll() is None:
                _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for _name, process, log in reversed(self.children):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=5)
            log.close()
        self.children.clear()

    def log_tail(self, name: str, lines: int = 20) -> str:
        path = self.directory / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def wait_until_up(*, url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LoadError(f"gunicorn stopped (exit {process.returncode}).")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own server)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise LoadError(f"{url} did not answer within {seconds:.0f} s.")


def proof_jpeg() -> bytes:
    """A small JPEG, the bank's transfer proof the Bendahara uploads."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (240, 240, 230)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def load_run(*, users: int, run_time: str, port: int, spawn_rate: float, stdout) -> LoadResult:
    """Plan, start, drive, stop, reconcile."""
    if connection.vendor != "postgresql":
        raise LoadError("The load test runs on PostgreSQL (DATABASE_URL), the production database.")
    missing = [name for name in ("REDIS_URL", "CELERY_BROKER_URL") if not os.environ.get(name)]
    if missing:
        raise LoadError(
            f"Set {' and '.join(missing)} (Redis): the production topology caches and queues there."
        )
    LOAD_DIR.mkdir(parents=True, exist_ok=True)
    stdout.write(f"Preparing {users} simulated users (one account each)…")
    plan = plan_build(users=users)
    plan_path = plan.write(LOAD_DIR / "plan.json")
    (LOAD_DIR / "proof.jpg").write_bytes(proof_jpeg())
    stdout.write(
        f"  {plan.anonymous} visitors, {len(plan.officers)} officers, {len(plan.msmes)} MSMEs, "
        f"{len(plan.treasurers)} Bendahara, {len(plan.analysts)} Analis; "
        f"{len(plan.offers)} MSMEs to order from."
    )
    bin_dir = Path(sys.executable).parent
    url = f"http://127.0.0.1:{port}"
    topology = Topology(port=port, directory=LOAD_DIR, stdout=stdout)
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def interrupted(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in previous:
        signal.signal(sig, interrupted)
    started_at = timezone.now()
    payments_before = Payment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        gunicorn = topology.start(
            "gunicorn",
            [
                str(bin_dir / "gunicorn"),
                "config.wsgi:application",
                f"--workers={WORKERS}",
                f"--bind=127.0.0.1:{port}",
                "--timeout=60",
                "--graceful-timeout=10",
            ],
        )
        topology.start(
            "celery",
            [
                str(bin_dir / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel=WARNING",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
            ],
        )
        stdout.write(
            f"gunicorn ({WORKERS} workers) on {url}, a Celery worker on {os.environ['CELERY_BROKER_URL']}."
        )
        try:
            wait_until_up(url=url + "/", process=gunicorn)
        except LoadError as exc:
            raise LoadError(f"{exc}\n{topology.log_tail('gunicorn')}") from exc
        for path in ("/", "/catalogue/", "/transparansi/"):  # each worker's first request loads code
            for _ in range(WORKERS):
                urllib.request.urlopen(url + path, timeout=60).read()  # noqa: S310
        stdout.write(f"locust: {users} users for {run_time}…")
        started = time.monotonic()
        prefix = LOAD_DIR / "locust"
        locust = topology.start(
            "locust",
            [
                str(bin_dir / "locust"),
                "-f",
                str(LOCUSTFILE),
                "--headless",
                f"--users={users}",
                f"--spawn-rate={spawn_rate}",
                f"--run-time={run_time}",
                f"--host={url}",
                f"--csv={prefix}",
                "--only-summary",
                "--stop-timeout=15",
                "--loglevel=WARNING",
            ],
            env={**topology.env, "LOAD_PLAN": str(plan_path), "LOAD_PROOF": str(LOAD_DIR / "proof.jpg")},
        )
        locust.wait()
        seconds = time.monotonic() - started
        if not Path(f"{prefix}_stats.csv").exists():
            raise LoadError(
                f"locust wrote no figures (exit {locust.returncode}):\n{topology.log_tail('locust')}"
            )
    finally:
        topology.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    rows, total = stats_read(Path(f"{prefix}_stats.csv").read_text())
    failures_path = Path(f"{prefix}_failures.csv")
    failures = failures_read(failures_path.read_text()) if failures_path.exists() else []
    server_errors = (LOAD_DIR / "gunicorn.log").read_text(errors="replace").count("Traceback")
    actions = Counter(OrderAction.objects.filter(created_at__gte=started_at).values_list("action", flat=True))
    return LoadResult(
        users=users,
        seconds=seconds,
        rows=rows,
        total=total,
        failures=failures,
        reconciliation=budget_reconciliation(),
        actions=dict(actions),
        payments=Payment.objects.filter(pk__gt=payments_before).count(),
        server_errors=server_errors,
    )


def result_write(*, result: LoadResult, directory: Path) -> Path:
    """var/bench/load-<time>.json and var/bench/load-latest.json."""
    directory.mkdir(parents=True, exist_ok=True)
    data = {"finished": now_iso(), "machine": machine(), "load": result.as_json()}
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = directory / f"load-{stamp}.json"
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    path.write_text(text)
    (directory / "load-latest.json").write_text(text)
    return path
