"""Permission-matrix samples of the core app's tenant and account routes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from nyata.core import actions
from nyata.core.models import FiscalYear, Role, User
from nyata.core.tenancy import tenant_scope
from tests.conftest import World, make_user


def fiscal_year_sample(w: World, t: str) -> dict[str, Any]:
    """A route keyed by fiscal year, which is Pemda-wide: 2026 exists only in Pemda A, 2031 only
    in Pemda B, so another Pemda's year is not found."""
    pemda, year = (w.b, 2031) if t == "other_pemda" else (w.a, 2026)
    with tenant_scope(pemda):
        if not FiscalYear.objects.filter(year=year).exists():
            actions.fiscal_year_create(actor=None, pemda=pemda, year=year)
    return {"year": year}


def _user(w: World, t: str) -> dict[str, Any]:
    if t == "own_agency":
        return {"pk": w.users["agency_operator"].pk}
    if t == "other_agency":
        user = User.objects.filter(username="operator.a2").first()
        if user is None:
            user = make_user("operator.a2")
            with tenant_scope(w.a):
                actions.membership_grant(actor=None, pemda=w.a, user=user, role=Role.AGENCY_OPERATOR, agency=w.a2)
        return {"pk": user.pk}
    assert w.outsider is not None
    return {"pk": w.outsider.pk}


def _set_password(w: World, t: str) -> dict[str, Any]:
    user = User.objects.filter(username="invited.sample").first()
    if user is None:
        user = User(username="invited.sample")
        user.set_unusable_password()
        user.save()
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


URL_SAMPLES = {
    "user_detail": _user,
    "user_totp_reset": _user,
    "platform_pemda": lambda w, t: {"pk": (w.b if t == "other_pemda" else w.a).pk},
    "password_set": _set_password,
}
NOT_AGENCY_OWNED = {"user_detail", "user_totp_reset"}
