"""Eight writing requests at once on a file SQLite database, as the demo site gets them.

Run by tests/config/test_sqlite_concurrency.py in a subprocess (the test suite's own database
may be PostgreSQL, or SQLite in memory, neither of which shows file locking):

    python -m tests.config.sqlite_burst WORK_DIR

prints one JSON line: the status code of every request.
"""

import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

THREADS = 8
ROUNDS = 3


def main(work_dir: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="demo",
        DATABASE_URL=f"sqlite:///{work_dir / 'db.sqlite3'}",
        MEDIA_ROOT=str(work_dir / "media"),
        PRIVATE_MEDIA_ROOT=str(work_dir / "private"),
        STAFF_MFA_REQUIRED="false",
        REDIS_URL="",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from marketplace.accounts import roles
    from tests.factories import PASSWORD, UserFactory, VendorFactory
    from tests.factories.vendor_documents import VendorDocumentFactory
    from vendors.models import DocumentAccess

    call_command("migrate", verbosity=0)
    document = VendorDocumentFactory(vendor=VendorFactory())
    verifiers = [UserFactory(roles=[roles.VERIFIER]) for _ in range(THREADS // 2)]
    people = [UserFactory() for _ in range(THREADS // 2)]
    document_url = reverse("vendors:document-download", args=[document.pk])
    clients = []
    for verifier in verifiers:
        client = Client()
        client.force_login(verifier)
        clients.append(client)
    connections.close_all()
    start = threading.Barrier(THREADS)

    def burst(n: int) -> list[int]:
        statuses = []
        start.wait()
        for _round in range(ROUNDS):
            if n < len(clients):  # a verifier opens the document: the access is recorded
                response = clients[n].get(document_url)
                if response.streaming:
                    b"".join(response.streaming_content)
            else:  # someone logs in: session, last login and allauth's records are written
                response = Client().post(
                    reverse("account_login"), {"login": people[n - len(clients)].email, "password": PASSWORD}
                )
            statuses.append(response.status_code)
        connections.close_all()
        return statuses

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = [code for codes in pool.map(burst, range(THREADS)) for code in codes]
    recorded = DocumentAccess.objects.count()
    print(json.dumps({"statuses": statuses, "accesses_recorded": recorded}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
