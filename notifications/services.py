"""Queue a notification (``notification_send``) and send one delivery (``delivery_send``, run by the job)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.backends import backend_for
from notifications.messages import TEMPLATES, render
from notifications.models import Channel, Delivery, Notification
from runtime.jobs import defer_after_commit

logger = logging.getLogger(__name__)
S = Delivery.Status
MAX_ATTEMPTS = 5  # as the send job's retries (runtime.jobs.DEFAULT_RETRY)


@dataclass(frozen=True)
class Recipient:
    name: str
    phone: str = ""
    email: str = ""
    language: str = "ar"
    user: object | None = None

    @classmethod
    def of_user(cls, user, *, phone: str = "", language: str = "ar") -> Recipient:
        return cls(name=user.get_full_name() or user.get_username(), email=user.email or "", phone=phone,
                   language=language, user=user)


class NotificationRefused(ValueError):
    pass


@transaction.atomic
def notification_send(*, municipality, recipient: Recipient, template: str, context: dict | None = None,
                      channels: Iterable[str] = ("sms", "email"), dedupe_key: str = "") -> Notification:
    """Queue ``template`` to ``recipient`` on each of ``channels`` they have an address for; the send jobs run
    once this transaction commits. With ``dedupe_key``, the same key again returns the first notification."""
    if template not in TEMPLATES:
        raise NotificationRefused(_("No such message template: %(t)s") % {"t": template})
    if dedupe_key:
        found = Notification.objects.filter(municipality=municipality, dedupe_key=dedupe_key).first()
        if found is not None:
            return found
    context = {"name": recipient.name, **(context or {})}
    addresses = {Channel.SMS: recipient.phone, Channel.EMAIL: recipient.email}
    wanted = [Channel(c) for c in channels if addresses[Channel(c)]]
    if not wanted:
        raise NotificationRefused(_("The recipient has no address on the channels asked for."))
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                municipality=municipality, template=template, language=recipient.language, context=context,
                recipient_user=recipient.user, recipient_name=recipient.name[:200], dedupe_key=dedupe_key)
    except IntegrityError:  # the same key queued at the same moment by someone else
        return Notification.objects.get(municipality=municipality, dedupe_key=dedupe_key)
    for channel in wanted:
        subject, body = render(template, channel, context, recipient.language)
        delivery = Delivery.objects.create(municipality=municipality, notification=notification, channel=channel,
                                           address=addresses[channel], subject=subject[:300], body=body)
        queue_send(delivery.pk)
    return notification


def queue_send(delivery_id: int) -> None:
    defer_after_commit("notifications.send", queueing_lock=f"notifications.send:{delivery_id}",
                       delivery_id=delivery_id)


class SendFailed(RuntimeError):
    """The provider refused or could not be reached; the job is retried."""


def delivery_send(delivery_id: int) -> Delivery | None:
    """Send one delivery, never twice: a delivery sent (or given up) is left alone; one found "sending" lost its
    worker mid-hand-over (see notifications.backends). Raises ``SendFailed`` for the job to retry."""
    with transaction.atomic():
        d = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if d is None or d.status in (S.SENT, S.FAILED):
            return d
        backend, path = backend_for(d.channel)
        if d.status == S.SENDING:
            d.status = S.FAILED
            d.error = _("Interrupted while being handed to the provider; not sent again so that it is never "
                        "sent twice.")
            d.save(update_fields=["status", "error", "updated_at"])
            return d
        d.attempts += 1
        d.backend = path
        if backend.transactional:
            try:
                with transaction.atomic():
                    d.provider_ref = backend.send(d)
            except Exception as exc:
                _record_failure(d, exc)
            else:
                d.status, d.sent_at, d.error = S.SENT, timezone.now(), ""
                d.save()
                return d
        else:
            d.status = S.SENDING
            d.save(update_fields=["status", "attempts", "backend", "updated_at"])
    if d.status == S.SENDING:  # committed: the hand-over happens outside any transaction
        try:
            ref = backend.send(d)
        except Exception as exc:
            d.status = S.PENDING
            _record_failure(d, exc)
        else:
            d.status, d.sent_at, d.error, d.provider_ref = S.SENT, timezone.now(), "", str(ref)[:200]
            d.save(update_fields=["status", "sent_at", "error", "provider_ref", "updated_at"])
            return d
    if d.status != S.FAILED:
        raise SendFailed(d.error)
    return d


def _record_failure(d: Delivery, exc: Exception) -> None:
    logger.warning("delivery %s: attempt %s failed: %s", d.pk, d.attempts, exc)
    d.error = str(exc)[:2000] or type(exc).__name__
    if d.attempts >= MAX_ATTEMPTS:
        d.status = S.FAILED
    d.save()
