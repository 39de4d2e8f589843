"""What a scenario measured: one row each, printed as a table and written as JSON under var/bench/."""

import json
import math
import os
import platform
import statistics
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def p95(values: list[float]) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass
class PageResult:
    """A page requested `requests` times in-process: server time, queries, and its floor."""

    group: str
    name: str
    url: str
    requests: int
    times_ms: list[float] = field(repr=False)
    sql_ms: list[float] = field(repr=False)
    queries: int
    floor_ms: float | None = None  # one plain SQL query for the same rows + json.dumps
    floor_rows: int | None = None
    goal_ms: float | None = None
    note: str = ""

    @property
    def median_ms(self) -> float:
        return median(self.times_ms)

    @property
    def p95_ms(self) -> float:
        return p95(self.times_ms)

    @property
    def sql_median_ms(self) -> float:
        return median(self.sql_ms)

    @property
    def ratio(self) -> float | None:
        return self.median_ms / self.floor_ms if self.floor_ms else None

    @property
    def met(self) -> bool | None:
        return None if self.goal_ms is None else self.median_ms <= self.goal_ms

    def as_json(self) -> dict:
        data = asdict(self)
        data.pop("times_ms")
        data.pop("sql_ms")
        data.update(
            median_ms=round(self.median_ms, 2),
            p95_ms=round(self.p95_ms, 2),
            sql_median_ms=round(self.sql_median_ms, 2),
            floor_ms=round(self.floor_ms, 3) if self.floor_ms else None,
            ratio=round(self.ratio, 1) if self.ratio else None,
            met=self.met,
        )
        return data


@dataclass
class JobResult:
    """A job run once (or a few times): how long, how many items, the memory it held at its peak."""

    group: str
    name: str
    seconds: float
    items: int
    unit: str
    peak_mb: float | None = None
    goal: str = ""
    met: bool | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.items / self.seconds if self.seconds else math.nan

    def as_json(self) -> dict:
        data = asdict(self)
        data.update(seconds=round(self.seconds, 3), per_second=round(self.per_second, 1))
        return data


@dataclass
class GrowthResult:
    """One page at the small and at the full data set: the ratio of their median server times."""

    name: str
    small_lines: int
    large_lines: int
    small_ms: float
    large_ms: float
    small_queries: int
    large_queries: int
    goal_ratio: float = 1.2

    @property
    def ratio(self) -> float:
        return self.large_ms / self.small_ms if self.small_ms else math.nan

    @property
    def met(self) -> bool:
        return self.ratio <= self.goal_ratio

    def as_json(self) -> dict:
        data = asdict(self)
        data.update(ratio=round(self.ratio, 2), met=self.met)
        return data


def machine() -> dict:
    """What the figures ran on: CPUs, memory, load, database."""
    info = {
        "host": platform.node(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": _memory_gb(),
        "database": connection.vendor,
        "database_version": _database_version(),
        "database_name": connection.settings_dict.get("NAME"),
        "commit": _commit(),
    }
    try:
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0]


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True
        )
        return out.stdout.strip()
    except OSError:
        return ""


def results_write(*, directory: Path, data: dict) -> Path:
    """Write `data` as var/bench/bench-<time>.json and var/bench/latest.json; returns the first."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = directory / f"bench-{stamp}.json"
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    path.write_text(text)
    (directory / "latest.json").write_text(text)
    return path


def now_iso() -> str:
    return datetime.now(tz=timezone.get_default_timezone()).isoformat(timespec="seconds")
