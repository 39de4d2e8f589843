"""Production mode: every security switch on, and no start without its secrets."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# Settings a developer's shell or .env might hold that would change what production mode does.
SCRUBBED = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "DATABASE_URL",
    "DATABASE_RANDOM_PAGE_COST",
    "REDIS_URL",
    "EMAIL_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "STAFF_MFA_REQUIRED",
    "AWS_STORAGE_BUCKET_NAME",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests; `check --deploy` rightly refuses it
)


def manage(*args, **env_vars) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED and not k.startswith("PYTEST")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_ENV="production", **env_vars)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def production_env(tmp_path):
    return {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "guloasem.example.go.id",
        "SITE_URL": "https://guloasem.example.go.id",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
    }


def test_production_settings_pass_check_deploy_without_warnings(production_env):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output
    assert "System check identified no issues" in output


def test_production_mode_turns_the_security_switches_on(production_env):
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.STAFF_MFA_REQUIRED, s.ALLOWED_HOSTS)"
    )
    result = manage("shell", "-c", code, STAFF_MFA_REQUIRED="false", DEBUG="true", **production_env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "False True True True True True ['guloasem.example.go.id']"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"])
def test_production_mode_refuses_to_start_without(missing, production_env):
    del production_env[missing]

    result = manage("check", **production_env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_site_url_must_be_a_web_address(production_env):
    result = manage("check", **{**production_env, "SITE_URL": "guloasem.example.go.id"})

    assert result.returncode != 0
    assert "SITE_URL must start with http:// or https://" in result.stderr


def test_a_bad_planner_setting_is_refused_with_its_name(production_env):
    env = {
        **production_env,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
        "DATABASE_RANDOM_PAGE_COST": "ssd",
    }

    result = manage("check", **env)

    assert result.returncode != 0
    assert "DATABASE_RANDOM_PAGE_COST must be a number" in result.stderr
