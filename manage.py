#!/usr/bin/env python
"""Django's command-line utility for partyblock."""

import os
import secrets
import sys

# Commands that only read the code and the migration files: they serve no request and sign nothing,
# so they run on a bare checkout (DEBUG off, no .env) with a throwaway random key. Serving still
# refuses to start without a real SECRET_KEY (partyblock/settings.py).
KEYLESS_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyblock.settings")
    if len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS:
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
