"""A database that cannot be reached answers 503 with a sentence, never a 500 page.

The connection can drop mid-request (the server restarted, a failover, a network cut, a backend
terminated). The action's transaction is then rolled back by the database itself, so nothing is
half-saved; what is left is to tell the user, in their language, that the request did not go
through and can be tried again. `DatabaseUnavailableMiddleware` answers for views, `server_error`
(the project's handler500) for failures in middleware (the session or membership read), and the
API's handler (`nyata.api.errors`) in the one error shape. The response is rendered without
context processors: they read the database.

Django drops a connection whose rollback failed, and `close_old_connections` drops an unusable
one at the end of the request, so the next request opens a fresh one.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext as _

log = logging.getLogger("nyata.outage")

UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def message() -> str:
    return _("Basis data sedang tidak dapat dihubungi, sehingga permintaan Anda tidak selesai dan perubahan yang "
             "belum selesai tidak disimpan. Coba lagi dalam beberapa saat; bila terus terjadi, hubungi admin "
             "kinerja.")


def unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    log.error("Database unavailable on %s %s", request.method, request.path, exc_info=exc)
    fragment = request.headers.get("HX-Request") == "true"
    html = loader.render_to_string("503.html", {"message": message(), "fragment": fragment})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if fragment:  # HTMX: show the sentence in place of the page's content (nyata.js lets it swap)
        response["HX-Retarget"] = "#main"
        response["HX-Reswap"] = "innerHTML"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return unavailable(request, exception) if isinstance(exception, UNAVAILABLE) else None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage raised in a middleware still answers 503."""
    exc = sys.exc_info()[1]
    if isinstance(exc, UNAVAILABLE):
        return unavailable(request, exc)
    return HttpResponseServerError(loader.render_to_string("500.html"))
