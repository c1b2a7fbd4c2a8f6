"""Security events: recorded in their own hash chains, shown to the performance admin, alerted.

Sign-ins (succeeded, failed, locked out), second factors (failed, throttled, reset, enrolled,
removed), passwords (changed, wrong current password), roles (granted, revoked), seal use and
exports of personal data. Each event joins the chain of every Pemda the user holds a role in
(usually one); an unknown user name or a user of no Pemda (a platform operator) goes to the
platform chain (0). The chains are hashed and verified exactly as the audit chain is.

An event that must survive a refusal is recorded outside the refused action's transaction (a
rolled-back transaction would take the event with it): the callers here make sure of that.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from nyata.core import audit
from nyata.core.models import Membership, Pemda, SecurityChainHead, SecurityEvent, User
from nyata.core.ratelimit import client_address
from nyata.core.roles import Role
from nyata.core.tenancy import unscoped
from nyata.core.typealiases import JSONObject

PLATFORM = 0
log = logging.getLogger("nyata.security")

# Action codes (namespaced like the audit chain's).
LOGIN_SUCCEEDED = "nyata.security.login_succeeded"
LOGIN_FAILED = "nyata.security.login_failed"
LOCKED_OUT = "nyata.security.locked_out"
SECOND_FACTOR_FAILED = "nyata.security.second_factor_failed"
SECOND_FACTOR_THROTTLED = "nyata.security.second_factor_throttled"
SECOND_FACTOR_RESET = "nyata.security.second_factor_reset"
SECOND_FACTOR_ENROLLED = "nyata.security.second_factor_enrolled"
SECOND_FACTOR_REMOVED = "nyata.security.second_factor_removed"
SECOND_FACTOR_LOGIN = "nyata.security.second_factor_login"
SIGN_IN_FACTOR_ROLES_CHANGED = "nyata.security.sign_in_factor_roles_changed"
PASSWORD_CHANGED = "nyata.security.password_changed"
PASSWORD_CHECK_FAILED = "nyata.security.password_check_failed"
ROLE_GRANTED = "nyata.security.role_granted"
ROLE_REVOKED = "nyata.security.role_revoked"
SEAL_USED = "nyata.security.seal_used"
PERSONAL_DATA_EXPORTED = "nyata.security.personal_data_exported"
STORAGE_FAILED = "nyata.security.storage_failed"
AUDIT_BROKEN = "nyata.security.audit_chain_broken"

LABELS = {
    LOGIN_SUCCEEDED: _("Berhasil masuk"),
    LOGIN_FAILED: _("Gagal masuk (kata sandi salah atau pengguna tidak dikenal)"),
    LOCKED_OUT: _("Akun dikunci sementara setelah terlalu banyak percobaan"),
    SECOND_FACTOR_FAILED: _("Kode autentikator salah"),
    SECOND_FACTOR_THROTTLED: _("Kode autentikator ditahan sementara"),
    SECOND_FACTOR_RESET: _("Penahanan kode autentikator dibuka oleh admin"),
    SECOND_FACTOR_ENROLLED: _("Aplikasi autentikator didaftarkan"),
    SECOND_FACTOR_REMOVED: _("Aplikasi autentikator dihapus"),
    SECOND_FACTOR_LOGIN: _("Masuk dengan faktor kedua"),
    SIGN_IN_FACTOR_ROLES_CHANGED: _("Peran yang wajib memakai kode autentikator saat masuk diubah"),
    PASSWORD_CHANGED: _("Kata sandi diganti"),
    PASSWORD_CHECK_FAILED: _("Kata sandi saat ini salah (konfirmasi ulang)"),
    ROLE_GRANTED: _("Peran diberikan"),
    ROLE_REVOKED: _("Peran dicabut"),
    SEAL_USED: _("Segel elektronik Pemda dipakai"),
    PERSONAL_DATA_EXPORTED: _("Data pribadi diekspor"),
    STORAGE_FAILED: _("Penyimpanan berkas tidak dapat ditulis"),
    AUDIT_BROKEN: _("Rantai audit tidak utuh"),
}


def label_of(action: str) -> str:
    return str(LABELS.get(action, action))


def chains_of(user: User | None) -> list[int]:
    if user is None or user.pk is None:
        return [PLATFORM]
    with unscoped():
        ids = sorted(set(Membership.objects.filter(user=user).values_list("pemda_id", flat=True)))
    return ids or [PLATFORM]


def _request_data(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {}
    return {
        "address": client_address(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        "path": request.path[:200],
    }


def record(
    action: str,
    *,
    actor: User | None = None,
    label: str = "",
    pemda: Pemda | int | None = None,
    request: HttpRequest | None = None,
    obj: models.Model | None = None,
    data: JSONObject | None = None,
    alert: bool = False,
) -> list[SecurityEvent]:
    """Append the event to the chain of `pemda`, or of every Pemda the actor holds a role in."""
    chains = [pemda if isinstance(pemda, int) else int(pemda.pk)] if pemda is not None else chains_of(actor)
    payload = {**_request_data(request), **(data or {})}
    with transaction.atomic():
        events = [_append(chain, actor, label, action, obj, payload) for chain in chains]
    log.info("%s actor=%s chains=%s", action, label or (actor.get_username() if actor else "-"), chains)
    if alert:
        transaction.on_commit(lambda: send_alert(events), robust=True)
    return events


def _append(chain: int, actor: User | None, label: str, action: str, obj: Any,
            data: dict[str, Any]) -> SecurityEvent:
    head = SecurityChainHead.objects.select_for_update().filter(pk=chain).first()
    if head is None:
        SecurityChainHead.objects.get_or_create(chain=chain, defaults={"hash": audit.GENESIS})
        head = SecurityChainHead.objects.select_for_update().get(pk=chain)
    fields: dict[str, Any] = {
        "seq": head.seq + 1,
        "created_at": timezone.now(),
        "actor_id": actor.pk if actor is not None and actor.pk is not None else None,
        "actor_label": (label or (actor.get_username() if actor is not None else "system"))[:200],
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "object_repr": str(obj)[:300] if obj is not None else "",
        "data": audit.normalise(data),
        "prev_hash": head.hash,
    }
    digest = audit.compute_hash(pemda_id=chain, **fields)
    event = SecurityEvent.objects.create(chain=chain, hash=digest, **fields)
    head.seq, head.hash = event.seq, digest
    head.save(update_fields=["seq", "hash"])
    return event


def verify_chain(chain: int) -> audit.Break | None:
    head = SecurityChainHead.objects.filter(pk=chain).first()
    events = SecurityEvent.objects.filter(chain=chain).order_by("seq").iterator(2000)
    label = f"{chain} (keamanan)" if chain else "platform (keamanan)"
    return audit.verify_events(events, chain, (head.seq, head.hash) if head else None, label)


def verify(chains: Iterable[int] | None = None) -> list[audit.Break]:
    wanted = list(SecurityChainHead.objects.values_list("chain", flat=True)) if chains is None else list(chains)
    return [b for c in wanted if (b := verify_chain(c)) is not None]


# --- alerts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alert:
    chain: int
    action: str
    actor_label: str
    at: str
    data: dict[str, Any]


def send_alert(events: list[SecurityEvent]) -> None:
    """Hand the events to the configured hook (`NYATA_SECURITY_ALERT_HOOK`; e-mail by default)."""
    hook = import_string(settings.SECURITY_ALERT_HOOK)
    for ev in events:
        try:
            hook(Alert(ev.chain, ev.action, ev.actor_label, ev.created_at.isoformat(), dict(ev.data)))
        except Exception:  # an alert channel that is down must not break the request
            log.exception("security alert hook failed for %s", ev.action)


def alert_recipients(chain: int) -> list[str]:
    """The performance admins of the Pemda (with an e-mail address), plus the platform's list."""
    emails = list(settings.SECURITY_ALERT_EMAILS)
    if chain != PLATFORM:
        with unscoped():
            admins = User.objects.filter(memberships__pemda_id=chain, memberships__role=Role.PERF_ADMIN,
                                         is_active=True).exclude(email="")
            emails += list(admins.values_list("email", flat=True).distinct())
    return sorted(set(emails))


def email_alert(alert: Alert) -> None:
    recipients = alert_recipients(alert.chain)
    if not recipients:
        # Normal in the demo (its accounts have no e-mail); in a real Pemda someone should hear of it.
        log.log(logging.DEBUG if settings.DEMO_MODE else logging.WARNING,
                "security alert %s has no recipient", alert.action)
        return
    body = "\n".join([
        "Nyata mencatat peristiwa keamanan yang perlu diperhatikan / Nyata recorded a security event:",
        "",
        f"Peristiwa / event: {alert.action}",
        f"Waktu / time: {alert.at}",
        f"Pengguna / user: {alert.actor_label}",
        *(f"{k}: {v}" for k, v in sorted(alert.data.items())),
        "",
        "Lihat halaman Peristiwa Keamanan di Nyata / see the Security events page in Nyata.",
    ])
    send_mail(f"[Nyata] {alert.action}", body, None, recipients, fail_silently=False)


# --- what Django and django-axes tell us ------------------------------------------------------


def _user_named(username: str) -> User | None:
    return User.objects.filter(username=username).first() if username else None


def on_login_failed(sender: object, credentials: Mapping[str, object], request: HttpRequest | None = None,
                    **kwargs: Any) -> None:
    username = str(credentials.get("username") or "")[:150]
    user = _user_named(username)
    if getattr(request, "nyata_password_check", False):
        return  # a re-authentication records its own, more precise event
    record(LOGIN_FAILED, actor=user, label=username, request=request)


def on_logged_in(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    device = getattr(request, "nyata_second_factor", None)  # set by signin.finish
    if device is not None:
        record(SECOND_FACTOR_LOGIN, actor=user, request=request, data={"device": device.pk})
    else:
        record(LOGIN_SUCCEEDED, actor=user, request=request)


def on_locked_out(sender: object, request: HttpRequest | None = None, username: str | None = None,
                  ip_address: str | None = None, **kwargs: Any) -> None:
    name = (username or "")[:150]
    record(LOCKED_OUT, actor=_user_named(name), label=name, request=request,
           data={"cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}, alert=True)


def on_membership_saved(sender: object, instance: Membership, created: bool, raw: bool = False,
                        **kwargs: Any) -> None:
    if created and not raw:
        record(ROLE_GRANTED, pemda=instance.pemda_id,
               obj=instance.user, data={"role": instance.role, "agency": instance.agency_id},
               alert=instance.role == Role.PERF_ADMIN)


def on_membership_deleted(sender: object, instance: Membership, **kwargs: Any) -> None:
    record(ROLE_REVOKED, pemda=instance.pemda_id,
           obj=instance.user, data={"role": instance.role, "agency": instance.agency_id})


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_login_failed
    from django.db.models.signals import post_delete, post_save

    user_login_failed.connect(on_login_failed, dispatch_uid="nyata.security.login_failed")
    user_logged_in.connect(on_logged_in, dispatch_uid="nyata.security.logged_in")
    user_locked_out.connect(on_locked_out, dispatch_uid="nyata.security.locked_out")
    post_save.connect(on_membership_saved, sender=Membership, dispatch_uid="nyata.security.role_granted")
    post_delete.connect(on_membership_deleted, sender=Membership, dispatch_uid="nyata.security.role_revoked")


# --- the current password, asked again ---------------------------------------------------------


class LockedOut(Exception):
    """Too many wrong passwords for this user name from this address (the sign-in lockout)."""


def check_current_password(request: HttpRequest, user: User, password: str) -> bool:
    """Re-authentication (password change, authenticator enrolment or removal).

    Counted by the same lockout as the sign-in form: guessing the password from an open session
    is no easier than from the sign-in page. Raises LockedOut once the limit is reached.
    """
    from axes.handlers.proxy import AxesProxyHandler
    from django.contrib.auth.signals import user_login_failed

    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        raise LockedOut
    if user.check_password(password or ""):
        return True
    request.nyata_password_check = True  # type: ignore[attr-defined]  # read by on_login_failed for this request
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    record(PASSWORD_CHECK_FAILED, actor=user, request=request)
    if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(request, credentials):
        raise LockedOut
    return False
