"""Test set-up shared by every test.

- The test database is pytest-django's own (in-memory SQLite, or `test_<name>` on
  PostgreSQL when DATABASE_URL points there); the developer's var/ database is never
  touched. With pytest-xdist each worker gets its own database (`_gw0`, `_gw1`…).
- Uploaded and private files go to a temporary folder per test process.
- Cache is local memory, emptied before every test (allauth's rate limits live there).
- Passwords are hashed with MD5: fast, and only ever used for test users.
- Background work (Celery tasks) runs inline, whatever the developer's `.env` says.
- Staff two-factor is on, as in production, whatever the developer's `.env` says;
  tests that need it off use the `settings` fixture.

- Transactional tests (`django_db(transaction=True)`, `live_server`) empty every table when
  they end, including rows made by data migrations (the role groups). After each of them
  the database is put back as migrations left it, so the tests that follow in the same
  process (xdist schedules whole files) do not depend on the order they run in. A
  transactional test that needs the migrated rows itself passes `serialized_rollback=True`.
"""

import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

_session_settings = None
_tmp_dir = None
_migrated = {}  # database alias -> its rows right after migrations (JSON), when needed
_db_blocker = None
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def pytest_configure(config):
    global _session_settings, _tmp_dir
    # Noise from Oscar's own code paths, not ours.
    config.addinivalue_line("filterwarnings", "ignore:update is not implemented in this backend:UserWarning")
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:oscar.*")
    config.addinivalue_line("filterwarnings", "ignore:Using Category\\.")
    _tmp_dir = Path(tempfile.mkdtemp(prefix="gulo-asem-tests-"))
    media, private, static = _tmp_dir / "media", _tmp_dir / "private", _tmp_dir / "static"
    for folder in (media, private, static):
        folder.mkdir()
    from django.conf import settings

    storages = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private), "base_url": None},
        },
    }
    # override_settings sends setting_changed, so storages and caches built earlier are reset.
    _session_settings = override_settings(
        MEDIA_ROOT=str(media),
        STATIC_ROOT=str(static),
        PRIVATE_MEDIA_ROOT=private,
        STORAGES=storages,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        SESSION_ENGINE="django.contrib.sessions.backends.db",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        STAFF_MFA_REQUIRED=True,
        SITE_URL="https://guloasem.test",  # links in e-mails and PDFs, whatever the shell says
    )
    _session_settings.enable()
    # Background work runs inline in tests, whatever a developer's .env says about a broker
    # (tests/config/test_background.py turns a broker on where it tests one).
    from config.celery import app as celery_app

    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True, broker_url="memory://")


def pytest_unconfigure(config):
    if _session_settings is not None:
        _session_settings.disable()
    if _tmp_dir is not None:
        shutil.rmtree(_tmp_dir, ignore_errors=True)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: no rate-limit counts or cached pages carried over."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _rotation_off(settings):
    """Pemerataan's rotation (ORDER_ROTATION_MONTHLY_LIMIT, 4 in the product) is off in the tests'
    small city, where one MSME takes every order of a unit; the tests of the rule set it
    themselves (tests/procurement/ordering/test_rotation.py, tests/browser/test_reorder.py, the
    fairness simulation's)."""
    settings.ORDER_ROTATION_MONTHLY_LIMIT = 0


@pytest.fixture
def password():
    """The password every factory-made user has."""
    from tests.factories import PASSWORD

    return PASSWORD


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction", marker.args[0] if marker.args else False):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """pytest-django's test databases, plus a copy of what migrations put in them.

    Taken only when the session holds a transactional test, whose flush it undoes;
    forgotten before the test databases are dropped.
    """
    global _db_blocker
    if any(_is_transactional(item) for item in request.session.items):
        _db_blocker = django_db_blocker
        with django_db_blocker.unblock():
            for alias in connections:
                test_db = connections[alias].settings_dict["NAME"]
                _migrated[alias] = (test_db, connections[alias].creation.serialize_db_to_string())
    yield
    _migrated.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    # The transactional test's own teardown has flushed every table: put the migrated rows back
    # for the next test. Never after the last test: the test databases are gone by then.
    if nextitem is None or not _migrated or not _is_transactional(item):
        return
    with _db_blocker.unblock():
        for alias, (test_db, rows) in _migrated.items():
            connection = connections[alias]
            if connection.settings_dict["NAME"] != test_db:  # only ever a test database
                continue
            call_command(
                "flush",
                database=alias,
                interactive=False,
                verbosity=0,
                reset_sequences=False,
                allow_cascade=True,
                inhibit_post_migrate=True,
            )
            connection.creation.deserialize_db_from_string(rows)


@pytest.fixture(autouse=True)
def _background_work_inline():
    """Every test starts with background work inline, whatever a test before it (on the same
    worker) did to the Celery app's broker settings or connection pool."""
    from kombu import pools as kombu_pools

    from config.celery import app as celery_app

    closed = getattr(celery_app.pool, "_closed", False)  # kombu's pool for the broker, shared
    if closed or not celery_app.conf.task_always_eager or celery_app.conf.broker_url != "memory://":
        # Celery acquires a producer even for an eager task: a pool a worker closed must go.
        celery_app.conf.update(task_always_eager=True, task_eager_propagates=True, broker_url="memory://")
        kombu_pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
    # `shared_task`s run on the current app: a worker or app another test made must not stay it.
    celery_app.set_current()
    celery_app.set_default()
    yield
