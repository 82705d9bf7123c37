"""The API's body parsers (settings ``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from api.errors import PayloadTooLarge
from common.json_input import JSONInputError, loads


class JSONParser(parsers.BaseParser):
    """JSON with the checks of ``loads`` (depth, NaN/Infinity), for every API view, read up to the view's own
    ``body_limit`` (``api.base.ApiBase``: e.g. an inspector's day of photos) or ``DATA_UPLOAD_MAX_MEMORY_SIZE``.

    Not a subclass of DRF's ``JSONParser``: DRF reads those through ``request.body``, which caps every body at
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` whatever the view declares."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        view, request = parser_context.get("view"), parser_context.get("request")
        limit = (view.body_limit(request) if hasattr(view, "body_limit") and request is not None
                 else settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        raw = stream.read(limit + 1) if limit else stream.read()
        if limit and len(raw) > limit:
            raise PayloadTooLarge()
        try:
            return loads(raw.decode(encoding))
        except UnicodeDecodeError:
            raise ParseError(_("The JSON is not %(enc)s text.") % {"enc": encoding}, code="invalid_json") from None
        except JSONInputError as exc:
            raise ParseError(str(exc), code=exc.code) from None
