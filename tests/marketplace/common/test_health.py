"""/healthz: what a load balancer asks before sending traffic."""

import pytest
from django.db import OperationalError

from marketplace.common import health

pytestmark = pytest.mark.django_db


class UnreachableDatabase:
    def cursor(self):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(health, "connection", UnreachableDatabase())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error: OperationalError"}


def test_healthz_answers_get_only(client):
    assert client.post("/healthz").status_code == 405
