"""The demo's SQLite database holds concurrent use: no "database is locked" under a burst of writes."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.config.sqlite_burst import ROUNDS, THREADS

BASE_DIR = Path(__file__).resolve().parents[2]


def test_eight_concurrent_writing_requests_on_sqlite_all_succeed(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.config.sqlite_burst", str(tmp_path)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    statuses = result["statuses"]
    assert len(statuses) == THREADS * ROUNDS
    assert 500 not in statuses, done.stderr[-3000:]
    # Document views answer 200, logins redirect (302): every one went through.
    assert sorted(set(statuses)) == [200, 302]
    assert result["accesses_recorded"] == THREADS // 2 * ROUNDS
