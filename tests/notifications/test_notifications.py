"""Notifications: queued in the caller's transaction, rendered in Arabic or English, sent by the real worker at
most once (a job run twice, a provider failing once, a worker killed mid-send), shown on /outbox/ by tenant."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import Client

from notifications.models import Delivery, Notification
from notifications.services import NotificationRefused, Recipient, delivery_send, notification_send
from runtime.jobs import defer_after_commit, retry_stalled
from tests.factories import MunicipalityFactory, grant_scopes
from tests.worker import Worker, clear_queue, wait_for

S = Delivery.Status
AHMAD = Recipient(name="أحمد", phone="+966500000001", email="ahmad@example.sa", language="ar")
JOHN = Recipient(name="John", phone="+966500000002", email="john@example.com", language="en")


def _jobs(task: str) -> list[tuple[dict, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT args, status FROM procrastinate_jobs WHERE task_name = %s ORDER BY id", [task])
        return [(json.loads(a) if isinstance(a, str) else a, s) for a, s in cursor.fetchall()]


@contextmanager
def running_worker(tmp_path: Path, backend: str, *, clear: bool = True, **env):
    if clear:
        clear_queue()
    sent = tmp_path / "sent.txt"
    sent.touch()
    w = Worker(ARDH_SMS_BACKEND=f"tests.scratch_app.backends.{backend}", ARDH_TEST_SENT_FILE=str(sent), **env)
    w.start()
    w.sent = sent
    try:
        yield w
    finally:
        w.stop()


def _sms(notification) -> Delivery:
    return notification.deliveries.get(channel="sms")


@pytest.mark.django_db
def test_queued_in_arabic_or_english_one_delivery_per_channel(muni):
    ar = notification_send(municipality=muni, recipient=AHMAD, template="test_message")
    en = notification_send(municipality=muni, recipient=JOHN, template="test_message", channels=["email"])
    assert {d.channel for d in ar.deliveries.all()} == {"sms", "email"}
    assert _sms(ar).body == "أرض: رسالة تجريبية إلى أحمد. لا يلزمك أي إجراء."
    assert ar.deliveries.get(channel="email").subject == "أرض: رسالة تجريبية"
    email = en.deliveries.get()
    assert (email.channel, email.address, email.subject) == ("email", "john@example.com", "Ardh: a test message")
    assert email.body.startswith("Hello John,")
    assert all(d.status == S.PENDING and d.attempts == 0 for d in Delivery.objects.all())
    sent_jobs = _jobs("notifications.send")
    assert sorted(a["delivery_id"] for a, _ in sent_jobs[-3:]) == sorted(Delivery.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_refusals_and_the_same_key_twice(muni):
    with pytest.raises(NotificationRefused, match="No such message template"):
        notification_send(municipality=muni, recipient=AHMAD, template="no_such")
    with pytest.raises(NotificationRefused, match="no address"):
        notification_send(municipality=muni, recipient=Recipient(name="x", email="x@example.sa"),
                          template="test_message", channels=["sms"])
    first = notification_send(municipality=muni, recipient=AHMAD, template="test_message", dedupe_key="permit-7")
    again = notification_send(municipality=muni, recipient=AHMAD, template="test_message", dedupe_key="permit-7")
    assert again.pk == first.pk and Delivery.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_notification_queues_nothing(muni):
    clear_queue()
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_send(municipality=muni, recipient=AHMAD, template="test_message")
        raise RuntimeError("the caller's write failed")
    assert not Notification.objects.exists() and _jobs("notifications.send") == []


def test_the_worker_sends_and_staff_of_the_municipality_see_it_on_the_outbox(worker, django_user_model):
    muni, other = MunicipalityFactory(), MunicipalityFactory()
    n = notification_send(municipality=muni, recipient=AHMAD, template="test_message")
    theirs = notification_send(municipality=other, recipient=JOHN, template="test_message", channels=["email"])
    wait_for(lambda: not Delivery.objects.exclude(status=S.SENT).exists(), what="sent", worker=worker)
    d = _sms(n)
    assert d.attempts == 1 and d.sent_at and d.provider_ref == f"outbox:{d.pk}"
    assert d.backend == "notifications.backends.OutboxBackend"

    staff = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    grant_scopes(user=staff, municipality=muni, scopes=["read"])
    c = Client()
    c.force_login(staff)
    page = c.get("/outbox/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "صندوق الصادر" in page and d.body in page and "أُرسل" in page
    assert theirs.deliveries.get().address not in page  # another municipality's message
    english = c.get("/outbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Outbox" in english and "Sent" in english and d.body in english  # the message stays in its language
    citizen = django_user_model.objects.create_user("citizen", password="x")
    grant_scopes(user=citizen, municipality=muni, scopes=["read"])
    c.force_login(citizen)
    assert c.get("/outbox/").status_code == 403
    assert Client().get("/outbox/").status_code == 302  # to sign in


def test_the_send_job_run_twice_sends_once(transactional_db, tmp_path, muni):
    with running_worker(tmp_path, "FileBackend") as w:
        n = notification_send(municipality=muni, recipient=AHMAD, template="test_message", channels=["sms"])
        d = _sms(n)
        defer_after_commit("notifications.send", delivery_id=d.pk)  # a second job for the same delivery
        wait_for(lambda: [s for _, s in _jobs("notifications.send")] == ["succeeded", "succeeded"],
                 what="both jobs", worker=w)
        assert delivery_send(d.pk).status == S.SENT  # and a third time, here
        lines = w.sent.read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{d.pk}\t+966500000001\t")
    d.refresh_from_db()
    assert (d.status, d.attempts, d.provider_ref) == (S.SENT, 1, f"file:{d.pk}")


def test_a_failed_first_attempt_is_retried_and_sent_once(transactional_db, tmp_path, muni):
    with running_worker(tmp_path, "FailOnceBackend") as w:
        d = _sms(notification_send(municipality=muni, recipient=AHMAD, template="test_message", channels=["sms"]))
        wait_for(lambda: Delivery.objects.filter(pk=d.pk, status=S.SENT).exists(), timeout=90,
                 what="the retry", worker=w)
        assert len(w.sent.read_text().splitlines()) == 1
    d.refresh_from_db()
    assert d.attempts == 2 and d.error == ""


@pytest.mark.parametrize("transactional", [True, False])
def test_a_worker_killed_mid_send(transactional_db, tmp_path, muni, transactional):
    """Killed while handing a message over. A transactional backend (the outbox) rolled back: the stalled job,
    handed back, sends it once. Another backend may or may not have got it: it is not sent again."""
    env = {"ARDH_TEST_HANG_TRANSACTIONAL": "1" if transactional else "0"}
    with running_worker(tmp_path, "HangingBackend", **env) as w:
        d = _sms(notification_send(municipality=muni, recipient=AHMAD, template="test_message", channels=["sms"]))
        wait_for(Path(str(w.sent) + ".started").exists, what="the hand-over", worker=w)
        w.kill()
    d.refresh_from_db()
    assert d.status == (S.PENDING if transactional else S.SENDING)
    with running_worker(tmp_path, "FileBackend", clear=False) as w:
        # The periodic sweep, without waiting its minute (a periodic job of either worker may be handed back too).
        assert retry_stalled(seconds_since_heartbeat=0) >= 1
        wait_for(lambda: Delivery.objects.filter(pk=d.pk, status__in=[S.SENT, S.FAILED]).exists(),
                 what="the handed-back job", worker=w)
        lines = w.sent.read_text().splitlines()
    d.refresh_from_db()
    if transactional:
        assert d.status == S.SENT and d.attempts == 1 and len(lines) == 1
    else:
        assert d.status == S.FAILED and "لا يُرسل مرتين" in d.error and lines == []  # the worker speaks Arabic first


@pytest.fixture
def sms_provider():
    """A stand-in SMS provider over real HTTP on loopback: answers 503 once, then 200 with an id."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    got = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            got.append((self.headers["Authorization"], body))
            ok = len(got) > 1
            self.send_response(200 if ok else 503)
            self.end_headers()
            self.wfile.write(json.dumps({"id": "msg-42"}).encode() if ok else b"busy")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/send", got
    finally:
        server.shutdown()


@pytest.mark.django_db
def test_the_http_sms_backend_posts_to_the_provider_and_is_retried(settings, muni, sms_provider):
    from notifications.services import SendFailed

    url, got = sms_provider
    settings.ARDH_SMS_BACKEND = "notifications.backends.HttpSmsBackend"
    settings.ARDH_SMS_URL, settings.ARDH_SMS_TOKEN, settings.ARDH_SMS_SENDER = url, "t0ken", "Baladiya"
    d = _sms(notification_send(municipality=muni, recipient=AHMAD, template="test_message", channels=["sms"]))
    with pytest.raises(SendFailed, match="503"):
        delivery_send(d.pk)
    d.refresh_from_db()
    assert (d.status, d.attempts) == (S.PENDING, 1)  # the provider refused: safe to send again
    assert delivery_send(d.pk).status == S.SENT
    d.refresh_from_db()
    assert (d.attempts, d.provider_ref) == (2, "msg-42")
    assert got[-1] == ("Bearer t0ken", {"to": "+966500000001", "body": d.body, "sender": "Baladiya",
                                        "reference": f"ardh-{d.pk}"})
    assert delivery_send(d.pk).status == S.SENT and len(got) == 2  # never twice
