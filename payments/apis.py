"""Payments under /api/v1/: SADAD's payment notifications (machine to machine, signed), bills of a case
(staff) and of mine (the applicant)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from api.base import ApiBase, PersonApiBase  # noqa: F401  (the bills' endpoints below stand on them)
from payments.services import NotificationError, notification_receive
from payments.signing import SignatureError, verify

logger = logging.getLogger("payments.sadad")
MAX_NOTIFICATION_BYTES = 16 * 1024


@method_decorator(csrf_exempt, name="dispatch")
class SadadNotificationApi(View):
    """``POST /api/v1/payments/sadad/notifications``: SADAD tells us of a payment (docs/sadad-interface.md).

    Authenticated by its signature alone (no session, no key): 401 for a bad signature or a timestamp outside the
    window (a replay); 400 for a malformed body, naming the field; 200 once the payment is recorded —
    ``received``, or ``duplicate`` for a reference recorded before (nothing written twice). Unknown bills, other
    amounts and cancelled bills are recorded too and held for finance: the money has moved.
    """

    http_method_names = ["post"]

    def post(self, request: HttpRequest):
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > MAX_NOTIFICATION_BYTES:
            return self._refuse(413, "too_large", f"the body is over {MAX_NOTIFICATION_BYTES} bytes")
        body = request.body
        try:
            msg_id = verify(settings.ARDH_SADAD_SECRET, request.headers, body,
                            tolerance_s=settings.ARDH_SADAD_TOLERANCE_S)
        except SignatureError as exc:
            return self._refuse(401, "signature", str(exc))
        try:
            status = notification_receive(body=body, webhook_id=msg_id)
        except NotificationError as exc:
            return self._refuse(exc.status, exc.code, str(exc), msg_id=msg_id)
        logger.info("notification %s: %s", msg_id, status)
        return JsonResponse({"status": status})

    @staticmethod
    def _refuse(status: int, code: str, detail: str, *, msg_id: str = "") -> JsonResponse:
        logger.warning("notification %s refused (%s): %s", msg_id or "-", status, detail)
        return JsonResponse({"error": code, "detail": detail}, status=status)
