"""Growth (issue 19, item 3): the pages over orders at 10,000 and at 1,000,000 order lines.

Restricting the big data set to one unit or one year would not be honest: the dashboard and the
transparency page read the whole city, and a query that scans every order grows with the table
whatever the filter shows. So the small side is a database of its own, `<name>_small`, built
by the same commands (`seed_demo --scale city` and `bench_seed --lines 10000`): the same 20,000
MSMEs, 100,000 products and census register, only the orders differ. The pages are timed there
by a `manage.py bench --only growing` subprocess pointed at it, and here on the full set.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

SMALL_LINES = 10_000


class GrowthUnavailable(Exception):
    """The growth table needs PostgreSQL given by DATABASE_URL."""


def small_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if connection.vendor != "postgresql" or not url.startswith(("postgres://", "postgresql://")):
        raise GrowthUnavailable("The growth table runs on PostgreSQL given by DATABASE_URL=postgres://….")
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_small"
    return urlunsplit(parts._replace(path="/" + name))


def _run(args: list[str], *, url: str, stdout) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args]
    stdout.write(f"  $ DATABASE_URL=…{urlsplit(url).path} manage.py {' '.join(args)}")
    result = subprocess.run(command, env=env, cwd=settings.BASE_DIR)
    if result.returncode != 0:
        raise GrowthUnavailable(f"`manage.py {' '.join(args)}` on the small database failed.")


def small_database_ensure(*, url: str, stdout) -> None:
    """Create the small database and its data set when missing (the same commands as the big one)."""
    name = urlsplit(url).path.lstrip("/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if not exists:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    _run(["migrate", "--noinput", "-v", "0"], url=url, stdout=stdout)
    _run(["bench_seed", "--lines", str(SMALL_LINES)], url=url, stdout=stdout)


def small_pages_measure(*, url: str, requests: int, warmup: int, stdout) -> dict:
    """The growing pages timed on the small database: {name: page result as JSON}."""
    with TemporaryDirectory() as folder:
        out = Path(folder) / "growing.json"
        _run(
            [
                "bench",
                "--only",
                "growing",
                "--requests",
                str(requests),
                "--warmup",
                str(warmup),
                "--json-file",
                str(out),
                "--allow-small",
            ],
            url=url,
            stdout=stdout,
        )
        data = json.loads(out.read_text())
    return data
