"""Start-up refuses malformed environment values with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


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
                "SECRET_KEY": "x" * 50,
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
        DEBUG="false", SECRET_KEY="x" * 50, DATABASE_URL="postgres://u@127.0.0.1:5432/db"
    ) == (
        0,
        "False django.db.backends.postgresql",
    )


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
