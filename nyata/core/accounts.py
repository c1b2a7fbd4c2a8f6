"""Tenants and accounts: Pemda registration and suspension, invitations, roles, officials.

Every function here is an action (`entity_verb(*, actor, ...)`, one transaction, audited in
the Pemda's chain). A Pemda's admin reaches only the accounts of its own Pemda: the pages look
users up through `Account` (tenant-scoped), so a user of another Pemda is never found, granted
a role or told apart from a username that does not exist.

Set-password links (invitations and resets) use Django's token generator: the token depends
on the password hash and the last login, so it works once, and it expires after
`PASSWORD_RESET_TIMEOUT` (NYATA_SET_PASSWORD_HOURS).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from nyata.core import audit, security_events
from nyata.core.access import require
from nyata.core.actions import membership_grant, pemda_create, record_delete
from nyata.core.models import Account, Agency, Membership, Official, Pemda, User
from nyata.core.roles import ADMINS, GRANTABLE_ROLES, PLATFORM_ROLES, Role
from nyata.core.tenancy import tenant_scope, unscoped
from nyata.core.typealiases import JSONObject

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,149}$")
# Roles granted inside a Pemda (the platform operator is a flag on the user, not a membership).
GRANTABLE = tuple(r for r in Role if r in GRANTABLE_ROLES)


# --- links ------------------------------------------------------------------------------------


def public_base_url(pemda: Pemda | None) -> str:
    """Where links printed on documents and sent by e-mail point: the Pemda's own address first."""
    base = (pemda.public_base_url if pemda is not None else "") or settings.PUBLIC_BASE_URL
    return base.rstrip("/")


DEV_HOSTS = ("localhost", "testserver")
DEV_SUFFIXES = (".localhost", ".local", ".test", ".example", ".invalid", ".internal")


def is_development_url(url: str) -> bool:
    """A loopback, unspecified, link-local or reserved development host: nobody outside can open it."""
    host = (urlsplit(url).hostname or "").lower()
    if not host or host in DEV_HOSTS or host.endswith(DEV_SUFFIXES):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified or ip.is_link_local


def check_public_url(pemda: Pemda | None) -> None:
    """In production, refuse to print a QR code or link that points at a development address."""
    url = public_base_url(pemda)
    if settings.PRODUCTION and is_development_url(url):
        raise ValidationError(
            _(
                "Alamat publik %(u)s adalah alamat lokal/pengembangan: kode QR pada dokumen bersegel tidak akan "
                "bisa dibuka publik. Isi 'alamat publik' di Profil Pemda, atau atur NYATA_PUBLIC_BASE_URL."
            )
            % {"u": url}
        )


def set_password_link(user: User, pemda: Pemda | None) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return public_base_url(pemda) + reverse("password_set", args=[uid, token])


def _send_link(user: User, pemda: Pemda | None, link: str, *, invitation: bool) -> None:
    # In the installation's language (Bahasa Indonesia), not in the language the admin happens to use.
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _link_message(user, pemda, link, invitation=invitation)
    email = user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [email], fail_silently=True))


def _link_message(user: User, pemda: Pemda | None, link: str, *, invitation: bool) -> tuple[str, str]:
    where = pemda.name if pemda is not None else "Nyata"
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    if invitation:
        subject = _("Undangan ke Nyata — %(p)s") % {"p": where}
        intro = _("Anda diundang memakai Nyata di %(p)s dengan nama pengguna %(u)s.") % {"p": where, "u": user.username}
    else:
        subject = _("Atur ulang kata sandi Nyata")
        intro = _("Ada permintaan mengatur ulang kata sandi akun %(u)s.") % {"u": user.username}
    body = "\n\n".join(
        [
            intro,
            _("Buat kata sandi Anda lewat tautan ini (sekali pakai, berlaku %(h)d jam):") % {"h": hours},
            link,
            _("Jika Anda tidak merasa meminta ini, abaikan e-mail ini."),
        ]
    )
    return subject, body


# --- lookups ----------------------------------------------------------------------------------


def official_for_user(user: User) -> Official | None:
    """The official an active account of this user is linked to, in the Pemda in scope."""
    account = (
        Account.objects.filter(user=user, is_active=True, official__isnull=False).select_related("official").first()
    )
    return account.official if account else None


def _ensure_account(actor: User | None, pemda: Pemda, user: User) -> Account:
    account = Account.objects.filter(user=user).first()
    if account is None:
        account = Account(pemda=pemda, user=user)
        account.save()
        audit.record_create(actor, account)
    return account


def _role(role: str) -> Role:
    if role not in {r.value for r in GRANTABLE}:
        raise ValidationError({"role": _("Peran '%(r)s' tidak dikenal.") % {"r": role}})
    return Role(role)


def _agency(pemda: Pemda, role: Role, agency: Agency | None) -> Agency | None:
    if agency is not None and agency.pemda_id != pemda.pk:
        raise ValidationError({"agency": _("Perangkat daerah itu milik Pemda lain; peran tidak dapat diberikan.")})
    return agency


# --- accounts and roles -----------------------------------------------------------------------


@transaction.atomic
def account_link_official(*, actor: User | None, pemda: Pemda, user: User, official: Official | None) -> Account:
    """The user signs as this official (None: unlinks). The official must be of the same Pemda."""
    require(actor, pemda.pk, ADMINS)
    if official is not None and official.pemda_id != pemda.pk:
        raise ValidationError({"official": _("Pejabat itu milik Pemda lain; akun tidak dapat ditautkan.")})
    account = _ensure_account(actor, pemda, user)
    if official is not None:
        other = Account.objects.filter(official=official).exclude(pk=account.pk).select_related("user").first()
        if other is not None:
            raise ValidationError(
                {"official": _("%(o)s sudah ditautkan ke akun %(u)s.") % {"o": official.name, "u": other.user.username}}
            )
    before = audit.snapshot(account)
    account.official = official
    account.save(update_fields=["official"])
    audit.record_update(actor, account, before, action="nyata.account.official_linked")
    return account


@transaction.atomic
def role_grant(*, actor: User | None, account: Account, role: str, agency: Agency | None = None) -> Membership:
    """A role for one of the Pemda's own, active accounts."""
    pemda = account.pemda
    if not account.is_active:
        raise ValidationError(
            _("Akun %(u)s nonaktif; aktifkan dulu sebelum memberi peran.") % {"u": account.user.username}
        )
    wanted = _role(role)
    _agency(pemda, wanted, agency)
    if Membership.objects.filter(user=account.user, role=wanted, agency=agency).exists():
        raise ValidationError(_("Pengguna ini sudah memegang peran itu."))
    return membership_grant(actor=actor, pemda=pemda, user=account.user, role=wanted, agency=agency)


@transaction.atomic
def role_revoke(*, actor: User | None, membership: Membership) -> None:
    require(actor, membership.pemda_id, ADMINS)
    if actor is not None and membership.user_id == actor.pk and membership.role == Role.PERF_ADMIN:
        raise ValidationError(_("Anda tidak dapat mencabut peran admin kinerja Anda sendiri."))
    record_delete(actor=actor, obj=membership)


def _check_email(pemda: Pemda, email: str) -> str:
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Alamat e-mail '%(e)s' tidak valid.") % {"e": email}}) from None
    taken = Account.objects.filter(user__email__iexact=email).select_related("user").first()
    if taken is not None:
        raise ValidationError(
            {
                "email": _("E-mail %(e)s sudah dipakai pengguna %(u)s di Pemda ini.")
                % {"e": email, "u": taken.user.username}
            }
        )
    return email


def check_username(username: str) -> str:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise ValidationError(
            {
                "username": _(
                    "Nama pengguna '%(u)s' tidak valid: 3–150 huruf kecil, angka, titik, garis bawah atau tanda hubung."
                )
                % {"u": username}
            }
        )
    with unscoped():
        if User.objects.filter(username__iexact=username).exists():
            # Usernames are global; saying only "not available" tells nothing about another Pemda.
            raise ValidationError(
                {"username": _("Nama pengguna %(u)s tidak tersedia; pilih yang lain.") % {"u": username}}
            )
    return username


def official_by_nip(nip: str) -> Official | None:
    return Official.objects.filter(nip=nip).first() if nip else None


@transaction.atomic
def user_invite(
    *,
    actor: User | None,
    pemda: Pemda,
    username: str,
    name: str,
    email: str,
    role: str,
    agency: Agency | None = None,
    nip: str = "",
    send: bool = True,
) -> tuple[User, str]:
    """Create the account with no password, its role, its official (by NIP), and the set-password link."""
    errors: dict[str, list[str]] = {}
    checked: dict[str, Any] = {}
    for key, check in (
        ("username", lambda: check_username(username)),
        ("email", lambda: _check_email(pemda, email)),
        ("role", lambda: _role(role)),
        ("agency", lambda: _agency(pemda, Role(role), agency) if role in {r.value for r in GRANTABLE} else None),
    ):
        try:
            checked[key] = check()
        except ValidationError as e:
            for field, msgs in e.message_dict.items():
                errors.setdefault(field, []).extend(msgs)
    if not name.strip():
        errors.setdefault("name", []).append(_("Nama wajib diisi."))
    official = None
    nip = nip.strip()
    if nip:
        official = official_by_nip(nip)
        if official is None:
            errors.setdefault("nip", []).append(_("Tidak ada pejabat dengan NIP %(n)s di Pemda ini.") % {"n": nip})
        elif Account.objects.filter(official=official).exists():
            errors.setdefault("nip", []).append(_("Pejabat dengan NIP %(n)s sudah punya akun.") % {"n": nip})
    if errors:
        raise ValidationError(errors)
    first, _sep, last = name.strip().partition(" ")
    user = User(username=checked["username"], email=checked["email"], first_name=first[:150], last_name=last[:150])
    user.set_unusable_password()
    user.password_changed_at = None
    user.save()
    _ensure_account(actor, pemda, user)
    membership_grant(actor=actor, pemda=pemda, user=user, role=checked["role"], agency=agency)
    if official is not None:
        account_link_official(actor=actor, pemda=pemda, user=user, official=official)
    audit.record(
        pemda=pemda,
        actor=actor,
        action="nyata.user.invited",
        obj=user,
        data={
            "username": user.username,
            "email": user.email,
            "role": role,
            "agency": agency.pk if agency else None,
            "official": official.pk if official else None,
        },
    )
    link = set_password_link(user, pemda)
    if send:
        _send_link(user, pemda, link, invitation=True)
    return user, link


@transaction.atomic
def invitation_resend(*, actor: User | None, account: Account) -> str:
    require(actor, account.pemda_id, ADMINS)
    user = account.user
    if user.has_usable_password():
        raise ValidationError(
            _("%(u)s sudah membuat kata sandi; minta ia memakai 'Lupa kata sandi'.") % {"u": user.username}
        )
    link = set_password_link(user, account.pemda)
    _send_link(user, account.pemda, link, invitation=True)
    audit.record(pemda=account.pemda, actor=actor, action="nyata.user.invitation_resent", obj=user)
    return link


@transaction.atomic
def account_deactivate(*, actor: User | None, account: Account) -> Account:
    """Roles removed, sign-in closed in this Pemda; the account, signatures and history stay."""
    require(actor, account.pemda_id, ADMINS)
    if actor is not None and account.user_id == actor.pk:
        raise ValidationError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if not account.is_active:
        raise ValidationError(_("Akun ini sudah nonaktif."))
    roles = [{"role": m.role, "agency": m.agency_id} for m in Membership.objects.filter(user=account.user)]
    for m in Membership.objects.filter(user=account.user):
        record_delete(actor=actor, obj=m)
    account.is_active, account.deactivated_at = False, timezone.now()
    account.save(update_fields=["is_active", "deactivated_at"])
    user = account.user
    with unscoped():
        elsewhere = Account.objects.filter(user=user, is_active=True).exists()
    if not elsewhere and not user.is_platform_operator:
        user.is_active = False
        user.save(update_fields=["is_active"])
    audit.record(pemda=account.pemda, actor=actor, action="nyata.user.deactivated", obj=user, data={"roles": roles})
    return account


@transaction.atomic
def account_reactivate(*, actor: User | None, account: Account) -> Account:
    require(actor, account.pemda_id, ADMINS)
    if account.is_active:
        raise ValidationError(_("Akun ini sudah aktif."))
    account.is_active, account.deactivated_at = True, None
    account.save(update_fields=["is_active", "deactivated_at"])
    user = account.user
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    audit.record(pemda=account.pemda, actor=actor, action="nyata.user.reactivated", obj=user)
    return account


@transaction.atomic
def password_set(*, user: User, password: str) -> None:
    """The user's own new password (the form has applied the password policy)."""
    user.set_password(password)
    user.save(update_fields=["password", "password_changed_at"])
    with unscoped():
        pemda_ids = sorted(set(Account.objects.filter(user=user).values_list("pemda_id", flat=True)))
    for pemda_id in pemda_ids:
        audit.record(pemda=pemda_id, actor=user, action="nyata.user.password_set", obj=user)


def password_reset_request(*, email: str) -> int:
    """Send a set-password link to every active account with this e-mail (the page never says which)."""
    email = email.strip()
    with unscoped():
        users = list(User.objects.filter(email__iexact=email, is_active=True))
        sent = 0
        for user in users:
            if not user.has_usable_password():
                continue  # an open invitation: the admin resends it
            account = Account.objects.filter(user=user, is_active=True).select_related("pemda").first()
            pemda = account.pemda if account else None
            with transaction.atomic():
                _send_link(user, pemda, set_password_link(user, pemda), invitation=False)
                if pemda is not None:
                    audit.record(pemda=pemda, actor=None, action="nyata.user.password_reset_requested", obj=user)
            sent += 1
    return sent


# --- tenants ----------------------------------------------------------------------------------


@transaction.atomic
def pemda_register(
    *,
    actor: User | None,
    code: str,
    name: str,
    kind: str,
    parent_code: str = "",
    public_base_url: str = "",
    admin_username: str,
    admin_email: str,
    admin_name: str = "",
    send: bool = True,
) -> tuple[Pemda, User, str]:
    """A new Pemda and its first performance admin (invited), all or nothing."""
    require(actor, 0, PLATFORM_ROLES)  # no Pemda yet: only the platform operator registers one
    code, name = code.strip(), name.strip()
    with unscoped():
        existing = Pemda.objects.filter(code=code).first()
        if existing is not None:
            raise ValidationError(
                {"code": _("Kode wilayah %(c)s sudah dipakai %(n)s.") % {"c": code, "n": existing.name}}
            )
        parent = None
        if parent_code.strip():
            parent = Pemda.objects.filter(code=parent_code.strip()).first()
            if parent is None:
                raise ValidationError({"parent": _("Provinsi induk %(c)s tidak ada.") % {"c": parent_code.strip()}})
        if kind not in Pemda.Kind.values:
            raise ValidationError(
                {"kind": _("Jenis '%(k)s' tidak dikenal: provinsi, kabupaten atau kota.") % {"k": kind}}
            )
        head_title = {"kabupaten": "Bupati", "kota": "Wali Kota"}.get(kind, "Gubernur")
        pemda = pemda_create(
            actor=actor,
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            public_base_url=public_base_url.strip(),
            head_title=head_title,
        )
    with tenant_scope(pemda):
        user, link = user_invite(
            actor=actor,
            pemda=pemda,
            username=admin_username,
            name=admin_name or admin_username,
            email=admin_email,
            role=Role.PERF_ADMIN,
            send=send,
        )
    return pemda, user, link


@transaction.atomic
def pemda_profile_save(*, actor: User | None, pemda: Pemda, before: JSONObject) -> Pemda:
    require(actor, pemda.pk, ADMINS)
    pemda.full_clean()
    pemda.save()
    audit.record_update(actor, pemda, before)
    roles_before = list(before.get("sign_in_factor_roles") or [])
    if list(pemda.sign_in_factor_roles) != roles_before:
        # Who must sign in with a second factor is a security setting: its change is a security event too.
        security_events.record(security_events.SIGN_IN_FACTOR_ROLES_CHANGED, actor=actor, pemda=pemda,
                               data={"roles_before": roles_before, "roles": list(pemda.sign_in_factor_roles)},
                               alert=bool(set(roles_before) - set(pemda.sign_in_factor_roles)))
    return pemda


@transaction.atomic
def pemda_suspend(*, actor: User | None, pemda: Pemda, reason: str = "") -> Pemda:
    """Its users can no longer sign in; nothing is deleted."""
    require(actor, pemda.pk, PLATFORM_ROLES)
    if pemda.is_suspended:
        raise ValidationError(_("%(p)s sudah ditangguhkan.") % {"p": pemda.name})
    pemda.suspended_at = timezone.now()
    pemda.save(update_fields=["suspended_at"])
    audit.record(pemda=pemda, actor=actor, action="nyata.pemda.suspended", obj=pemda, data={"reason": reason[:500]})
    return pemda


@transaction.atomic
def pemda_resume(*, actor: User | None, pemda: Pemda) -> Pemda:
    require(actor, pemda.pk, PLATFORM_ROLES)
    if not pemda.is_suspended:
        raise ValidationError(_("%(p)s tidak sedang ditangguhkan.") % {"p": pemda.name})
    pemda.suspended_at = None
    pemda.save(update_fields=["suspended_at"])
    audit.record(pemda=pemda, actor=actor, action="nyata.pemda.resumed", obj=pemda)
    return pemda


@transaction.atomic
def platform_operator_create(*, username: str, email: str, name: str = "") -> tuple[User, str]:
    """An account of the installation's host; it holds no role in any Pemda."""
    username = check_username(username)
    try:
        validate_email(email.strip())
    except ValidationError:
        raise ValidationError({"email": _("Alamat e-mail '%(e)s' tidak valid.") % {"e": email}}) from None
    first, _sep, last = (name or username).strip().partition(" ")
    user = User(
        username=username, email=email.strip().lower(), first_name=first, last_name=last, is_platform_operator=True
    )
    user.set_unusable_password()
    user.password_changed_at = None
    user.save()
    return user, set_password_link(user, None)
