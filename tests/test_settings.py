"""Start-up refuses malformed environment values with a message naming the variable."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = secrets.token_urlsafe(50)  # production keys must now pass the strength rule


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import partyblock.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env={**clean, "PYTHONPATH": str(ROOT), "ENV_FILE": "", **env},  # ignore a developer's .env
        capture_output=True,
        text=True,
    )
    return result.returncode, (result.stdout + result.stderr).strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG: expected true/false (1/0, yes/no, on/off), got 'maybe'"),
        ({"DEBUG": "false"}, "SECRET_KEY: required when DEBUG is off"),
        ({"DEBUG": "true", "DATABASE_URL": ""}, "DATABASE_URL: empty or without a known scheme"),
        (
            {"DEBUG": "true", "CSRF_TRUSTED_ORIGINS": "intranet.local"},
            "CSRF_TRUSTED_ORIGINS: 'intranet.local'",
        ),
        (
            {
                "DEBUG": "false",
                "SECRET_KEY": STRONG_KEY,
                "DATABASE_POOL_MAX": "ten",
                "DATABASE_URL": "postgres://u@h/db",
            },
            "DATABASE_POOL_MAX: expected a whole number, got 'ten'",
        ),
    ],
)
def test_bad_environment_values_stop_start_up_naming_the_variable(env, message):
    code, last_line = load_settings(**env)
    assert code != 0
    assert message in last_line


def test_defaults_to_sqlite_and_reads_postgres_urls():
    assert load_settings(DEBUG="true") == (0, "True django.db.backends.sqlite3")
    assert load_settings(
        DEBUG="false", SECRET_KEY=STRONG_KEY, DATABASE_URL="postgres://u@127.0.0.1:5432/db"
    ) == (
        0,
        "False django.db.backends.postgresql",
    )


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("x", "it is 1 characters long, fewer than 50"),
        ("x" * 50, "it uses 1 different characters, fewer than 5"),
        ("abcd" * 20, "it uses 4 different characters, fewer than 5"),
        ("django-insecure-" + STRONG_KEY, "it starts with 'django-insecure'"),
        ("ci-dummy-secret-key-not-used-anywhere-else-0123456789", "a placeholder published in the source"),
        ("test-only-secret-key-not-for-production-use-0123456789", "a placeholder published in the source"),
    ],
)
def test_a_weak_or_published_secret_key_stops_start_up_when_debug_is_off(key, reason):
    code, last_line = load_settings(DEBUG="false", SECRET_KEY=key)
    assert code != 0
    assert "SECRET_KEY: too weak to run with DEBUG off (" in last_line
    assert reason in last_line
    assert len(key) < 5 or key not in last_line  # the message never echoes a key


def test_a_weak_secret_key_is_accepted_for_development_with_debug_on():
    assert load_settings(DEBUG="true", SECRET_KEY="x") == (0, "True django.db.backends.sqlite3")


def test_commands_that_read_only_code_run_without_a_key_and_serving_still_refuses(tmp_path):
    """`makemigrations --check` runs on a bare checkout (DEBUG off, no SECRET_KEY, no .env);
    anything that serves, here the WSGI application, still stops for want of a key."""
    unset = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}  # the project's own settings
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    env = {
        **clean,
        "PYTHONPATH": str(ROOT),
        "ENV_FILE": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    checked = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert (checked.returncode, checked.stdout.strip()) == (0, "No changes detected"), checked.stderr
    served = subprocess.run(
        [sys.executable, "-c", "import partyblock.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert served.returncode != 0
    assert "SECRET_KEY: required when DEBUG is off" in served.stderr
