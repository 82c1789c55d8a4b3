#!/usr/bin/env python3
"""The README's two commands, on a fresh clone with nothing but Python 3.11+ and git.

    python3 scripts/dev.py serve          # demo site on http://127.0.0.1:8000
    python3 scripts/dev.py test [ARGS]    # the test suite; ARGS go to pytest

Both make sure of `.venv` (reinstalling the project only when pyproject.toml changed) and of a local
`.env`; `serve` then migrates, seeds the demo data once and runs the development server.
Standard library only.
"""

import contextlib
import hashlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / "pyproject.sha256"  # the pyproject.toml the venv was last installed from
ENV_FILE = ROOT / ".env"
DEMO_USER = "quantri"

# Exits 0 on an empty database and 3 when it holds records (which seed_demo refuses to touch).
HAS_DATA = (
    "import sys; from units.models import Organisation; from members.models import Member; "
    "sys.exit(3 if Organisation.objects.exists() or Member.objects.exists() else 0)"
)


def run(*args, check=True):
    print("+", " ".join(str(arg) for arg in args), flush=True)
    result = subprocess.run([str(arg) for arg in args], cwd=ROOT)
    if check and result.returncode:
        sys.exit(result.returncode)
    return result.returncode


def manage(*args, check=True):
    return run(PYTHON, "manage.py", *args, check=check)


def setup():
    if not PYTHON.exists():
        run(sys.executable, "-m", "venv", VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
        STAMP.write_text(digest + "\n")
    if not ENV_FILE.exists():
        ENV_FILE.write_text(f"DEBUG=true\nSECRET_KEY={secrets.token_urlsafe(50)}\n")
        print(f"Wrote {ENV_FILE.name} (DEBUG=true and a new SECRET_KEY) for local development.")


def serve():
    setup()
    manage("migrate", "--noinput")
    has_data = manage("shell", "--no-imports", "-c", HAS_DATA, check=False)
    if has_data == 0:
        manage("seed_demo")  # prints the demo login
    elif has_data == 3:
        password = os.environ.get("DEMO_PASSWORD", "as printed when the demo data was built")
        print(f"The database already holds records. Demo login: {DEMO_USER}, password {password}.")
        print("(`.venv/bin/python manage.py seed_demo --reset` starts the demo data afresh.)")
    else:
        sys.exit(has_data)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C stops the server, quietly
        manage("runserver", "127.0.0.1:8000")


def test(pytest_args):
    setup()
    sys.exit(run(BIN / "pytest", *pytest_args, check=False))


def main(argv):
    if argv[:1] == ["serve"] and len(argv) == 1:
        serve()
    elif argv[:1] == ["test"]:
        test(argv[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
