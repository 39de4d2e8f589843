"""Rows straight into tables: COPY on PostgreSQL, batched INSERTs elsewhere (SQLite).

The generator hands plain tuples in the order of a table's columns (`Table.columns`, the
model's column names), with primary keys it allotted itself (`Ids`), so no row needs to be
read back. After loading, `sequences_reset` moves PostgreSQL's sequences past the ids used.
"""

import queue
import threading
from collections.abc import Iterable, Sequence

from django.db import connection, transaction


class Table:
    """The rows of one model waiting to be written; `add` a tuple per row, `flush` writes them."""

    def __init__(self, model, fields: Sequence[str]):
        self.model = model
        self.name = model._meta.db_table
        self.columns = [model._meta.get_field(f).column for f in fields]
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, *values) -> None:
        self.rows.append(values)

    def flush(self) -> int:
        """Write the waiting rows in the current transaction; returns how many."""
        rows, self.rows = self.rows, []
        if rows:
            rows_write(self.name, self.columns, rows)
        self.written += len(rows)
        return len(rows)


def rows_write(table: str, columns: Sequence[str], rows: Iterable[tuple], *, batch: int = 500) -> None:
    """Insert `rows` (tuples in `columns` order) into `table`."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        rows = list(rows)
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})"
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, rows[start : start + batch])


class Ids:
    """Primary keys handed out in order, from one past the largest in the table."""

    def __init__(self, model):
        self.model = model
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MAX({connection.ops.quote_name(model._meta.pk.column)}) "
                f"FROM {connection.ops.quote_name(model._meta.db_table)}"
            )
            self.next = (cursor.fetchone()[0] or 0) + 1

    def __call__(self) -> int:
        value = self.next
        self.next += 1
        return value


def sequences_reset(models) -> None:
    """Move each model's id sequence past its largest id (PostgreSQL; SQLite needs nothing)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(_NoStyle(), list(models)):
            cursor.execute(sql)


class _NoStyle:
    def __getattr__(self, name):
        return lambda text: text


def _bulk_session() -> None:
    """For this transaction: no foreign-key trigger checks (superuser only) and no wait for the
    disk at commit. Elsewhere (SQLite, a plain role) nothing changes."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def payload_write(payload, *, fast: bool) -> None:
    """Write (table, columns, rows) triples in one transaction, in their order."""
    with transaction.atomic():
        if fast:
            _bulk_session()
        for name, columns, rows in payload:
            if rows:
                rows_write(name, columns, rows)


class BackgroundWriter:
    """Writes payloads on its own connection while the caller makes the next one (one waits)."""

    def __init__(self, *, fast: bool):
        self.fast = fast
        self.error: BaseException | None = None
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.thread = threading.Thread(target=self._run, name="bench-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while (payload := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        payload_write(payload, fast=self.fast)
                    except BaseException as exc:  # handed to the caller at its next put / close
                        self.error = exc
        finally:
            connection.close()

    def put(self, payload) -> None:
        if self.error:
            raise self.error
        self.queue.put(payload)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error:
            raise self.error
