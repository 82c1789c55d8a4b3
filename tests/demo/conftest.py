import pytest
from django.db import transaction

from partyblock.demo.seed import build_demo


@pytest.fixture(scope="package", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """The demo Khối, built once for every test in this package inside a transaction that is
    rolled back at the end (so tests elsewhere start from an empty database)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_demo()
        transaction.set_rollback(True)
