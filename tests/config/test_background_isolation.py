"""A test that leaves Celery's broker pool closed (a worker shutting down does) must not break
the next test's inline tasks: tests/conftest.py `_background_work_inline` resets kombu's pools.
The two tests run in this order (file order; one xdist worker per file)."""

import pytest

from config.celery import app
from procurement.ordering import tasks

pytestmark = pytest.mark.django_db


def test_a_worker_shutting_down_closes_the_broker_pool():
    app.pool.force_close_all()

    assert app.pool._closed


def test_the_next_test_still_runs_tasks_inline(monkeypatch):
    ran = []
    monkeypatch.setattr("procurement.ordering.services.vendor_sales_refresh", lambda **kw: ran.append(kw))

    tasks.vendor_sales_refresh_task.delay([7])

    assert ran == [{"partner_ids": [7]}]
