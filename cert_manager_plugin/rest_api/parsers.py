"""
Request body parsers of the REST API: JSON with a size and a nesting-depth limit.

DRF's ``JSONParser`` reads the whole body whatever its size (it reads the request stream, not
``request.body``, so Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not apply) and hands it to ``json.load``,
whose recursion turns ``[`` x 5000 into a ``RecursionError`` (a 500). ``LimitedJSONParser`` refuses a body
over ``MAX_BYTES`` (413 ``request_too_large``) and one nested deeper than ``MAX_DEPTH`` (400
``invalid_input``) before decoding; any other failure to decode is a 400 ``invalid_input`` as well.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext, gettext_lazy
from rest_framework import exceptions, parsers
from rest_framework.utils.json import strict_constant

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request

#: Largest JSON body read (bytes); Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` lowers it when set lower. The API's
#: bodies are a few hundred bytes; the largest legitimate one (notes of 10,000 characters, each escaped as
#: ``\\uXXXX\\uXXXX``) stays under 128 KiB.
MAX_BYTES = 1024 * 1024
#: Deepest nesting of arrays and objects accepted; the API's bodies are at most two levels deep.
MAX_DEPTH = 32

# A JSON string (escapes included) or one bracket: brackets inside strings do not count.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


class RequestTooLarge(exceptions.APIException):
    """A request body over the API's limit (413 ``request_too_large``)."""

    status_code = 413
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "request_too_large"


def max_bytes() -> int:
    """The body limit: ``MAX_BYTES``, or the host's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` when that is lower."""
    host = getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None)
    return min(MAX_BYTES, host) if host else MAX_BYTES


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """
    Whether ``text`` nests arrays and objects deeper than ``limit``, counted without recursion.

    Brackets inside strings are skipped; a malformed document gets an answer too (json decides the rest).
    """
    if text.count("[") + text.count("{") <= limit:
        return False  # cannot be deeper than its number of opening brackets
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


def read_body(stream: IO[bytes] | HttpRequest | None, limit: int) -> bytes:
    """At most ``limit`` bytes of the body; a longer one raises ``RequestTooLarge`` (without reading it all)."""
    if stream is None:
        return b""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise RequestTooLarge(
            gettext("The request body is over %(limit)s bytes, the limit of this API.") % {"limit": format(limit, ",")}
        )
    return data


class LimitedJSONParser(parsers.JSONParser):
    """DRF's JSON parser, strict (no NaN or Infinity, whatever the host's ``STRICT_JSON``), with two limits."""

    strict = True

    def parse(
        self, stream: IO[bytes] | HttpRequest | None, media_type: str | None = None, parser_context: dict | None = None
    ) -> object:
        """
        The decoded JSON body (any JSON value).

        413 ``request_too_large`` when the body (by its ``Content-Length`` or as read) is over ``max_bytes()``;
        400 ``invalid_input`` when it is nested deeper than ``MAX_DEPTH``, not in its encoding, or not strict JSON.
        """
        parser_context = parser_context or {}
        request = parser_context.get("request")
        limit = max_bytes()
        length = _content_length(request)
        if length is not None and length > limit:
            raise RequestTooLarge(
                gettext("The request body is %(size)s bytes; the limit of this API is %(limit)s bytes.")
                % {"size": format(length, ","), "limit": format(limit, ",")}
            )
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        data = read_body(stream, limit)
        try:
            text = codecs.decode(data, encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise exceptions.ParseError(
                gettext("JSON parse error - the body is not valid %(encoding)s.") % {"encoding": encoding}
            ) from exc
        if text.startswith("\ufeff"):
            text = text[1:]
        if too_deep(text):
            raise exceptions.ParseError(too_deep_message())
        try:
            parse_constant = strict_constant if self.strict else None
            return json.loads(text, parse_constant=parse_constant)
        except RecursionError as exc:  # not reachable after the depth check; never a 500 all the same
            raise exceptions.ParseError(too_deep_message()) from exc
        except ValueError as exc:  # JSONDecodeError, NaN/Infinity (strict), integers over Python's digit limit
            raise exceptions.ParseError(gettext("JSON parse error - %(error)s") % {"error": exc}) from exc


def too_deep_message() -> str:
    """The 400 for a JSON body nested deeper than ``MAX_DEPTH``, in the request's language."""
    return gettext("JSON parse error - nested deeper than %(depth)s levels.") % {"depth": MAX_DEPTH}


def _content_length(request: Request | None) -> int | None:
    """The request's ``Content-Length`` when it is a positive number, else None."""
    meta = getattr(request, "META", None) or {}
    try:
        value = int(meta.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None
