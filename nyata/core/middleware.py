from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from nyata.core import signin
from nyata.core.access import LoginRequired, login_redirect
from nyata.core.auth import memberships_of
from nyata.core.models import Pemda
from nyata.core.roles import AGENCY_ROLES, Role
from nyata.core.tenancy import tenant_scope

SESSION_PEMDA = "nyata_pemda_id"


class TenantMiddleware:
    """Open the tenant scope of the logged-in user's active Pemda for the whole request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.annotate(request)
        with tenant_scope(getattr(request, "pemda", None)):
            return self.get_response(request)

    @staticmethod
    def annotate(request: Any) -> None:
        """Set the active Pemda, roles and agencies of the logged-in user on the request."""
        request.pemda = None
        request.roles = frozenset()
        request.agency_ids = frozenset()
        request.memberships = []
        if request.user.is_authenticated:
            # A suspended Pemda is closed to its users: its roles are not in force (nothing deleted).
            memberships = [m for m in memberships_of(request.user) if m.pemda.suspended_at is None]
            request.memberships = memberships
            pemdas = {m.pemda_id: m.pemda for m in memberships}
            active_id = request.session.get(SESSION_PEMDA)
            if active_id not in pemdas and memberships:
                active_id = memberships[0].pemda_id
            if active_id in pemdas:
                active: Pemda = pemdas[active_id]
                mine = [m for m in memberships if m.pemda_id == active_id]
                request.pemda = active
                request.roles = frozenset(m.role for m in mine)
                request.agency_ids = frozenset(m.agency_id for m in mine if m.role in AGENCY_ROLES)
            if getattr(request.user, "is_platform_operator", False):
                request.roles = request.roles | {Role.PLATFORM_OPERATOR}

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, LoginRequired):
            return login_redirect(request)
        return None


class SecondFactorMiddleware:
    """A signed-in user whose roles need a second factor reaches nothing until the session passed one.

    Checked on every request (core/signin.py has the rule): a session marked as passed costs a
    dictionary lookup; any other is decided from the memberships the request already loaded."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not signin.passed(request) and signin.required(request.user):
            held = signin.hold_request(request)
            if held is not None:
                return held
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """Send users whose password is older than the policy allows to change it (BSSN profile)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        max_age = settings.PASSWORD_MAX_AGE_DAYS
        user = request.user
        if max_age and user.is_authenticated:
            changed = getattr(user, "password_changed_at", None)
            expired = changed is None or (timezone.now() - changed).days >= max_age
            allowed = {reverse("password_change"), reverse("password_change_done"), reverse("logout")}
            if expired and request.path not in allowed:
                return redirect("password_change")
        return self.get_response(request)


class LanguageMiddleware:
    """Bahasa Indonesia unless the user chose another language (cookie), whatever the browser says.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an official
    whose browser is set to English would get English without asking for it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


# Features no Nyata page uses; a script injected despite the CSP still cannot reach them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
        "microphone", "midi", "payment", "usb", "serial", "hid", "bluetooth", "browsing-topics",
    )
)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: no-store` on what a signed-in user
    sees (evidence, PDFs, exports and pages), unless the view chose its own caching (the portal).

    Browsers and proxies keep no copy of a signed-in user's documents on a shared office computer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        private = user is not None and user.is_authenticated
        if (private or response.has_header("Content-Disposition")) and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response


SESSION_STARTED = "nyata_started"
SESSION_SEEN = "nyata_seen"
# How stale the "last seen" mark may get before it is written again: one session write a minute
# at most, so a busy user's requests stay read-only.
SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """End a session after `NYATA_IDLE_MINUTES` without a request, and after `NYATA_SESSION_HOURS`
    since sign-in however active it was (the cookie's own age restarts whenever the session is
    written, so the absolute length is kept here)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    @staticmethod
    def check(request: HttpRequest) -> None:
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.utils.translation import gettext as _

        now = int(time.time())
        session = request.session
        started = session.get(SESSION_STARTED)
        seen = session.get(SESSION_SEEN)
        idle = settings.SESSION_IDLE_MINUTES * 60
        if seen is not None and now - int(seen) > idle:
            message = _("Sesi Anda berakhir karena tidak ada aktivitas selama %(n)d menit; silakan masuk lagi.") % {
                "n": settings.SESSION_IDLE_MINUTES}
        elif started is not None and now - int(started) > settings.SESSION_COOKIE_AGE:
            message = _("Sesi Anda berakhir setelah %(n)d jam; silakan masuk lagi.") % {
                "n": settings.SESSION_COOKIE_AGE // 3600}
        else:
            if started is None:
                session[SESSION_STARTED] = now
            if seen is None or now - int(seen) >= SEEN_RESOLUTION:
                session[SESSION_SEEN] = now
            return
        logout(request)  # the rest of the request runs as anonymous: pages go to sign-in, the API answers 401
        messages.info(request, message)
