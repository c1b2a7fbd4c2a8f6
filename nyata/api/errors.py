"""The API's one error shape and the handlers that produce it for every router.

Every refusal answers `{"detail": "<message in the user's language>"}`: 401/403 from
`api_policy`, 404 from `get_for_user`, 422 for an action's `ValidationError` or an
import's `ImportErrors`, 503 when the database dropped mid-request (`nyata.core.outage`), and
500 for anything unexpected (logged with its traceback, never shown), mapped here once on the
API instance instead of by each handler.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError as NinjaValidationError

from nyata.core import outage
from nyata.core.xlsx import ImportErrors

log = logging.getLogger("nyata.api")


class ErrorOut(Schema):
    detail: str


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn refused input into 422 with the error shape."""

    # `exc: object`: ninja types the argument as "the exception or its class".
    def refused(request: HttpRequest, exc: object) -> HttpResponse:
        assert isinstance(exc, ValidationError)
        return api.create_response(request, {"detail": " ".join(exc.messages)}, status=422)

    def import_refused(request: HttpRequest, exc: object) -> HttpResponse:
        assert isinstance(exc, ImportErrors)
        return api.create_response(request, {"detail": "\n".join(str(x) for x in exc.errors)}, status=422)

    def server_error(request: HttpRequest, exc: object) -> HttpResponse:
        # ninja picks the most specific handler along the exception's MRO, so 401/403/404/422
        # keep theirs; only what nothing else answers lands here, as JSON in the one shape.
        assert isinstance(exc, Exception)
        log.error("API error on %s %s", request.method, request.path, exc_info=exc)
        message = _("Terjadi kesalahan di server; sudah dicatat. Coba lagi nanti atau hubungi admin kinerja.")
        return api.create_response(request, {"detail": message}, status=500)

    def malformed(request: HttpRequest, exc: object) -> HttpResponse:
        # ninja's own answer is a list of pydantic errors; the one shape names each field instead.
        assert isinstance(exc, NinjaValidationError)
        parts = []
        for err in exc.errors:
            loc = [str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body", "payload")]
            parts.append(_("%(field)s: %(why)s") % {"field": ".".join(loc) or "?", "why": err.get("msg", "")})
        detail = _("Isian tidak dapat diterima — %(parts)s") % {"parts": "; ".join(parts)}
        return api.create_response(request, {"detail": detail}, status=422)

    def unavailable(request: HttpRequest, exc: object) -> HttpResponse:
        # The database dropped mid-request: its transaction was rolled back; say so, retry later.
        assert isinstance(exc, Exception)
        log.error("API database unavailable on %s %s", request.method, request.path, exc_info=exc)
        response = api.create_response(request, {"detail": outage.message()}, status=503)
        response["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
        return response

    api.add_exception_handler(ValidationError, refused)
    for exc_class in outage.UNAVAILABLE:
        api.add_exception_handler(exc_class, unavailable)
    api.add_exception_handler(NinjaValidationError, malformed)
    api.add_exception_handler(Exception, server_error)
    api.add_exception_handler(ImportErrors, import_refused)
