"""Signing in with a second factor: the password, then a code from the authenticator app.

Who needs one: every user holding, in any of their Pemda, a role of `roles.SIGN_IN_FACTOR_ROLES`
(performance admins, inspectors; platform operators always) or a role that Pemda added
(`Pemda.sign_in_factor_roles`, from `roles.SIGN_IN_FACTOR_OPTIONAL_ROLES`).

1. The login form checks the password (django-axes counts the failures). Whoever needs no second
   factor is signed in. Whoever needs one and has an authenticator is *not* signed in yet: the
   session holds a pending sign-in — the user, a hash bound to their password, the time, where to
   go next — for `SIGN_IN_CODE_MINUTES`, and the code page asks for the code.
2. The code goes through `otp.verify` (a used code is refused, wrong ones wait a bounded time, each
   refusal is a security event). When it passes the user is signed in and the session is marked
   as having passed the second factor.

Whoever needs one but has no authenticator yet is signed in confined to enrolling one (the
security page; the API refuses them) until a code from the new authenticator marks the session.
`SecondFactorMiddleware` applies the same rule to every request, so a session that began before
the rule applied to it (a role granted since, a role the Pemda added) goes back to the code step.
"""

from __future__ import annotations

import functools
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from nyata.core import otp
from nyata.core.auth import memberships_of
from nyata.core.models import User
from nyata.core.roles import SIGN_IN_FACTOR_OPTIONAL_ROLES, SIGN_IN_FACTOR_ROLES

PENDING = "nyata_sign_in_pending"
PASSED = "nyata_second_factor"
BACKEND = "nyata.core.auth.MembershipModelBackend"
# What a session confined to enrolling an authenticator may open.
ENROLMENT_VIEWS = ("security", "logout", "set_language", "password_change", "password_change_done")


def required(user: User) -> bool:
    """Whether this user signs in with a second factor (the rule is in the module docstring)."""
    if getattr(user, "is_platform_operator", False):
        return True
    for m in memberships_of(user):
        added = SIGN_IN_FACTOR_OPTIONAL_ROLES.intersection(m.pemda.sign_in_factor_roles or ())
        if m.role in SIGN_IN_FACTOR_ROLES or m.role in added:
            return True
    return False


def passed(request: HttpRequest) -> bool:
    """Whether this session's user passed the second factor when signing in (or enrolling)."""
    return request.user.is_authenticated and request.session.get(PASSED) == request.user.pk


def mark_passed(request: HttpRequest, user: User) -> None:
    request.session[PASSED] = user.pk


# --- the two steps ------------------------------------------------------------------------------


def begin(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """The password was right: sign in, or hold the sign-in until the code (or the enrolment)."""
    if not required(user):
        auth_login(request, user, backend=getattr(user, "backend", BACKEND))
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    if not otp.confirmed_devices(user):
        auth_login(request, user, backend=getattr(user, "backend", BACKEND))
        messages.info(request, _("Peran Anda mewajibkan kode autentikator saat masuk: pasang aplikasi "
                                 "autentikator sekarang untuk membuka halaman lain."))
        return redirect("security")
    hold(request, user, next_url)
    return redirect("login_code")


def hold(request: HttpRequest, user: User, next_url: str) -> None:
    """Keep the sign-in pending in the session: not signed in until the code passes."""
    request.session.cycle_key()  # a new session id once the password is known: nothing to fixate
    request.session[PENDING] = {
        "user": user.pk,
        "hash": user.get_session_auth_hash(),
        "at": int(time.time()),
        "next": next_url,
    }


def had_pending(request: HttpRequest) -> bool:
    return PENDING in request.session


def pending_user(request: HttpRequest) -> User | None:
    """The user whose password was accepted in this session a few minutes ago, or None.

    None, and the pending sign-in forgotten, once it is older than `SIGN_IN_CODE_MINUTES`, the
    user was deactivated or their password changed since."""
    data = request.session.get(PENDING)
    if not isinstance(data, dict):
        return None
    fresh = time.time() - float(data.get("at", 0)) <= settings.SIGN_IN_CODE_MINUTES * 60
    user_id = data.get("user")
    user = User.objects.filter(pk=user_id, is_active=True).first() if fresh and isinstance(user_id, int) else None
    if user is None or not constant_time_compare(user.get_session_auth_hash(), str(data.get("hash", ""))):
        del request.session[PENDING]
        return None
    return user


def finish(request: HttpRequest, user: User, device: TOTPDevice) -> HttpResponse:
    """The code passed: sign the user in (a new session id) with the session marked."""
    data = request.session.pop(PENDING, {})
    request.nyata_second_factor = device  # type: ignore[attr-defined]  # the security event names it
    auth_login(request, user, backend=BACKEND)
    mark_passed(request, user)
    return redirect(data.get("next") or settings.LOGIN_REDIRECT_URL)


# --- every request --------------------------------------------------------------------------------


@functools.cache
def _enrolment_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in ENROLMENT_VIEWS)


def hold_request(request: HttpRequest) -> HttpResponse | None:
    """A signed-in session that needs a second factor and has not passed one: where it may go.

    With an authenticator: back to the code step (signed out, the sign-in pending). Without one:
    only enrolment and the account's own pages; the API answers 401/403 in its error shape."""
    user = request.user
    assert isinstance(user, User)
    api = request.path.startswith("/api/")
    if otp.confirmed_devices(user):
        next_url = request.get_full_path() if request.method == "GET" and not api else ""
        auth_logout(request)
        hold(request, user, next_url)
        if api:
            return JsonResponse({"detail": _("Masukkan kode autentikator untuk masuk.")}, status=401)
        messages.info(request, _("Peran Anda mewajibkan kode autentikator: masukkan kode untuk melanjutkan."))
        return redirect("login_code")
    if request.path in _enrolment_paths():
        return None
    if api:
        return JsonResponse({"detail": _("Pasang aplikasi autentikator terlebih dahulu (halaman Keamanan akun): "
                                         "peran Anda mewajibkannya saat masuk.")}, status=403)
    return redirect("security")
