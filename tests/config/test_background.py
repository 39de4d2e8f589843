"""Background work (config/celery.py): inline without a broker, through Redis and a worker with one.

The Redis test uses database 15 of the local Redis (redis://127.0.0.1:6379/15) and empties it
before and after; it is skipped, saying so, when no Redis answers there.
"""

import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail

from config.celery import app
from procurement.ordering.models import DocumentSeal
from procurement.settlement import tasks
from tests.procurement.ordering.world import build_world, place
from tests.procurement.settlement.world import received, record_transfer

BASE_DIR = Path(__file__).resolve().parents[2]
TEST_BROKER_URL = "redis://127.0.0.1:6379/15"
NOTIFY_TASK = "procurement.settlement.tasks.settlement_notify_task"


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(TEST_BROKER_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(
    not _redis_answers(),
    reason=f"no Redis answers at {TEST_BROKER_URL}: start redis-server to test the broker and the worker",
)


def _settings_value(name: str, **env_vars) -> str:
    """A setting as config/settings.py computes it from this environment (in a fresh process)."""
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL" and not k.startswith("PYTEST")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **env_vars)
    code = f"from django.conf import settings; print(settings.{name})"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_tasks_run_inline_without_a_broker_and_queue_with_one():
    assert _settings_value("CELERY_TASK_ALWAYS_EAGER") == "True"
    assert _settings_value("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL=TEST_BROKER_URL) == "False"
    assert _settings_value("CELERY_TASK_SERIALIZER") == "json"


@pytest.mark.django_db
def test_without_a_broker_the_settlement_mail_is_sent_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    assert app.conf.task_always_eager, "the tests run without a broker (CELERY_BROKER_URL unset)"
    pw = received()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks() as callbacks:
        record_transfer(pw)
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()

    number = pw.invoice.number
    assert [m.to for m in mail.outbox if number in m.subject] == [[pw.w.vendor_user.email]]


@pytest.mark.django_db
def test_without_a_broker_the_order_mail_is_sent_at_commit(django_capture_on_commit_callbacks):
    w = build_world()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        uo = place(w)

    assert any(str(uo.order.number) in m.subject and m.to == [w.officer.email] for m in mail.outbox)


@pytest.mark.django_db
def test_invoice_pdf_task_renders_the_pdf_and_leaves_its_seal():
    documents = pytest.importorskip("procurement.settlement.documents")
    if not hasattr(documents, "invoice_pdf"):
        pytest.skip("procurement.settlement.documents.invoice_pdf is not written yet")
    invoice = received().invoice

    size = tasks.invoice_pdf_task.delay(invoice.pk).get()

    assert size > 1000
    seal = DocumentSeal.objects.get(unit_order=invoice.unit_order, kind=DocumentSeal.Kind.INVOICE)
    assert (seal.number, seal.amount_idr) == (invoice.number, invoice.total_idr)


def _forget_connections():
    """Drop the app's broker connections, so the next ones are made from its current settings."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def _through_redis():
    """The app as it runs with CELERY_BROKER_URL set: tasks queue on Redis until a worker runs them."""
    keys = ("broker_url", "task_always_eager", "worker_hijack_root_logger")
    saved = {key: app.conf[key] for key in keys}
    store = redis.Redis.from_url(TEST_BROKER_URL)
    store.flushdb()
    app.conf.update(broker_url=TEST_BROKER_URL, task_always_eager=False, worker_hijack_root_logger=False)
    _forget_connections()
    try:
        yield store
    finally:
        app.conf.update(saved)
        _forget_connections()
        store.flushdb()


def _mail_about(number: str, timeout: float) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in mail.outbox if number in m.subject]
        if found:
            return found
        time.sleep(0.05)
    return []


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_with_a_broker_the_mail_waits_on_redis_until_a_worker_sends_it(monkeypatch):
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")  # the worker need not rerun Django's system checks
    pw = received()  # built inline: its own order mails are sent already
    mail.outbox.clear()

    with _through_redis() as store:
        record_transfer(pw)  # commits: the task goes to the broker

        queued = [json.loads(raw) for raw in store.lrange("celery", 0, -1)]
        assert [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in queued] == [
            (NOTIFY_TASK, f"({pw.invoice.payments.get().pk}, 'transfer_recorded')")
        ]
        assert mail.outbox == []

        started = time.monotonic()
        with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
            sent = _mail_about(pw.invoice.number, timeout=10)
        took = time.monotonic() - started

        assert [m.to for m in sent] == [[pw.w.vendor_user.email]]
        assert store.llen("celery") == 0
        assert took < 10
