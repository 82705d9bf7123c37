"""The API's body parsers (settings ``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from common.json_input import JSONInputError, loads


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the checks of ``loads`` (depth, NaN/Infinity), for every API view."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            return loads(stream.read().decode(encoding))
        except UnicodeDecodeError:
            raise ParseError(_("The JSON is not %(enc)s text.") % {"enc": encoding}, code="invalid_json") from None
        except JSONInputError as exc:
            raise ParseError(str(exc), code=exc.code) from None


class LargeJSONParser(parsers.BaseParser):
    """JSON bodies larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for the views that declare a larger ``body_limit``
    (an inspector's day of photos): DRF reads a ``JSONParser``'s body through ``request.body``, which refuses
    them, so this one reads the stream itself (the view's ``body_limit`` was checked against Content-Length)."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        return JSONParser().parse(stream, media_type, parser_context)
