"""Provider stand-ins for the notification tests, run inside the real worker process (ARDH_SMS_BACKEND names
them). What they hand over is appended to the file ``ARDH_TEST_SENT_FILE``, one line per message: the provider's
view, to count sends across processes."""

from __future__ import annotations

import os
import time
from pathlib import Path


def _sent(delivery) -> str:
    with open(os.environ["ARDH_TEST_SENT_FILE"], "a") as fh:
        fh.write(f"{delivery.pk}\t{delivery.address}\t{delivery.body}\n")
    return f"file:{delivery.pk}"


class FileBackend:
    """A provider outside the database (as SMTP or an SMS API): not transactional."""

    transactional = False

    def send(self, delivery) -> str:
        return _sent(delivery)


class FailOnceBackend(FileBackend):
    """Refuses the first message it sees (a provider's passing fault), takes it the second time."""

    def send(self, delivery) -> str:
        marker = Path(os.environ["ARDH_TEST_SENT_FILE"] + f".failed-{delivery.pk}")
        if not marker.exists():
            marker.touch()
            raise ConnectionError("provider unavailable (503)")
        return super().send(delivery)


class HangingBackend:
    """Says it started (``ARDH_TEST_SENT_FILE``.started), then hangs until the test kills the worker.
    ``ARDH_TEST_HANG_TRANSACTIONAL`` says which kind of backend it stands for."""

    transactional = os.environ.get("ARDH_TEST_HANG_TRANSACTIONAL") == "1"

    def send(self, delivery) -> str:
        Path(os.environ["ARDH_TEST_SENT_FILE"] + ".started").touch()
        time.sleep(120)
        return _sent(delivery)
