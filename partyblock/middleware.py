"""Request-wide behaviour: a request id for the logs, refusal of query strings no page can use,
and no caching of anything shown to a signed-in user.

- `RequestIdMiddleware` gives each request an id (the proxy's `X-Request-ID` when it is a plain
  token, else a new one), returns it in the `X-Request-ID` header and puts it on every log line of
  the request (`RequestIdFilter`), so the id the error page shows finds the traceback on stderr.
- It also answers 400 to an address (path or query) carrying a NUL character: no page has a use for one, and
  PostgreSQL refuses them in text, which would otherwise surface as a 500 from some filter.
- `NoStoreMiddleware`: every response to a signed-in user (pages, drill-downs, xlsx files, the
  admin) carries `Cache-Control: private, no-store`, so names and birth dates stay out of shared
  and browser caches. Static files are answered by WhiteNoise before this middleware runs.
"""

import contextvars
import logging
import re
import uuid

from django.core.exceptions import SuspiciousOperation
from django.utils.cache import patch_cache_control

_current_request_id = contextvars.ContextVar("request_id", default="-")
_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,64}")
HEADER = "X-Request-ID"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(HEADER, "")
        request.request_id = offered if _TOKEN.fullmatch(offered) else uuid.uuid4().hex[:16]
        token = _current_request_id.set(request.request_id)
        try:
            if "\x00" in request.path or any(
                "\x00" in key or any("\x00" in value for value in values)
                for key, values in request.GET.lists()
            ):
                raise SuspiciousOperation("NUL character in the address")
            response = self.get_response(request)
        finally:
            _current_request_id.reset(token)
        response[HEADER] = request.request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record: the request's own (django.request passes the request),
    else the one of the request being served on this thread, else "-"."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or _current_request_id.get()
        return True


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
