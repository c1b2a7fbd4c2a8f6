"""Pages of tenants and accounts: the platform operator's Pemda list, a Pemda's user
directory, invitations, set-password and password reset, the Pemda's profile."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from nyata.core import accounts, audit, otp, signin
from nyata.core.access import NyataRequest, get_for_user, policy
from nyata.core.forms import (
    EmailForm,
    InviteForm,
    OfficialLinkForm,
    PemdaProfileForm,
    PemdaRegisterForm,
    RoleGrantForm,
)
from nyata.core.models import Account, Agency, AuditEvent, Membership, Pemda, User
from nyata.core.roles import ADMINS, PLATFORM_ROLES, SECOND_FACTOR_ROLES
from nyata.core.tenancy import tenant_scope, unscoped


def _add_errors(form: Any, e: ValidationError) -> None:
    if hasattr(e, "error_dict"):
        for field, msgs in e.message_dict.items():
            form.add_error(field if field in form.fields else None, msgs)
    else:
        form.add_error(None, e.messages)


# --- the platform operator ----------------------------------------------------------------------


def _usage() -> list[dict[str, Any]]:
    """Per Pemda: active accounts, agencies, last activity. Counts only, never content."""
    with unscoped():
        pemdas = list(Pemda.objects.select_related("parent"))
        users = dict(
            Account.objects.filter(is_active=True)
            .values("pemda_id")
            .annotate(n=Count("pk"))
            .values_list("pemda_id", "n")
        )
        agencies = dict(Agency.objects.values("pemda_id").annotate(n=Count("pk")).values_list("pemda_id", "n"))
        last = dict(AuditEvent.objects.values("pemda_id").annotate(t=Max("created_at")).values_list("pemda_id", "t"))
    return [
        {"pemda": p, "users": users.get(p.pk, 0), "agencies": agencies.get(p.pk, 0), "last": last.get(p.pk)}
        for p in pemdas
    ]


@policy(PLATFORM_ROLES, tenant=False)
def platform_home(request: NyataRequest) -> HttpResponse:
    return render(request, "core/platform_home.html", {"rows": _usage()})


@policy(PLATFORM_ROLES, PLATFORM_ROLES, tenant=False)
def platform_pemda_create(request: NyataRequest) -> HttpResponse:
    form = PemdaRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            pemda, user, link = accounts.pemda_register(
                actor=request.user,
                code=d["code"],
                name=d["name"],
                kind=d["kind"],
                parent_code=d["parent"],
                public_base_url=d["public_base_url"],
                admin_username=d["admin_username"],
                admin_name=d["admin_name"],
                admin_email=d["admin_email"],
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            return render(request, "core/platform_created.html", {"pemda": pemda, "admin": user, "link": link})
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("Pemda baru"), "back": "/platform/"},
        status=400 if form.errors else 200,
    )


@policy(PLATFORM_ROLES, PLATFORM_ROLES, tenant=False)
def platform_pemda(request: NyataRequest, pk: int) -> HttpResponse:
    """One Pemda's usage, and suspending or resuming it."""
    with unscoped():
        pemda = Pemda.objects.filter(pk=pk).first()
    if pemda is None:
        raise Http404
    if request.method == "POST":
        try:
            with tenant_scope(pemda):
                if request.POST.get("action") == "resume":
                    accounts.pemda_resume(actor=request.user, pemda=pemda)
                    messages.success(request, _("%(p)s aktif kembali.") % {"p": pemda.name})
                else:
                    accounts.pemda_suspend(actor=request.user, pemda=pemda, reason=request.POST.get("reason", ""))
                    messages.success(
                        request, _("%(p)s ditangguhkan; penggunanya tidak dapat masuk.") % {"p": pemda.name}
                    )
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        return redirect("platform_pemda", pk=pemda.pk)
    row = next(r for r in _usage() if r["pemda"].pk == pemda.pk)
    return render(request, "core/platform_pemda.html", {"row": row, "pemda": pemda})


# --- a Pemda's users --------------------------------------------------------------------------


def _account(request: NyataRequest, pk: int) -> Account:
    """One of this Pemda's accounts, by user id; another Pemda's user is simply not found."""
    account: Account = get_for_user(request, Account.objects.select_related("user", "official"), None, user_id=pk)
    return account


@policy(ADMINS, ADMINS)
def membership_list(request: NyataRequest) -> HttpResponse:
    """The directory: this Pemda's accounts with their roles, and the invitation form."""
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user, _link = accounts.user_invite(
                actor=request.user,
                pemda=request.pemda,
                username=d["username"],
                name=d["name"],
                email=d["email"],
                role=d["role"],
                agency=d["agency"],
                nip=d["nip"],
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Undangan dikirim ke %(e)s.") % {"e": user.email})
            return redirect("user_detail", pk=user.pk)
    rows = list(Account.objects.select_related("user", "official").order_by("-is_active", "user__username"))
    roles: dict[int, list[Membership]] = {}
    for m in Membership.objects.select_related("agency"):
        roles.setdefault(m.user_id, []).append(m)
    return render(
        request,
        "core/users.html",
        {
            "rows": [(a, roles.get(a.user_id, [])) for a in rows],
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@policy(ADMINS, ADMINS)
def user_detail(request: NyataRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    grant_form = RoleGrantForm(request.POST if request.POST.get("action") == "grant" else None)
    link_form = OfficialLinkForm(
        request.POST if request.POST.get("action") == "link" else None, initial={"official": account.official}
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "grant" and grant_form.is_valid():
                accounts.role_grant(
                    actor=request.user,
                    account=account,
                    role=grant_form.cleaned_data["role"],
                    agency=grant_form.cleaned_data["agency"],
                )
                messages.success(request, _("Peran diberikan."))
            elif action == "link" and link_form.is_valid():
                accounts.account_link_official(
                    actor=request.user,
                    pemda=request.pemda,
                    user=account.user,
                    official=link_form.cleaned_data["official"],
                )
                messages.success(request, _("Tautan pejabat disimpan."))
            elif action == "revoke":
                m = get_for_user(request, Membership, None, pk=request.POST.get("membership"), user=account.user)
                accounts.role_revoke(actor=request.user, membership=m)
                messages.success(request, _("Peran dicabut."))
            elif action == "deactivate":
                accounts.account_deactivate(actor=request.user, account=account)
                messages.success(request, _("Akun dinonaktifkan; riwayatnya tetap tersimpan."))
            elif action == "reactivate":
                accounts.account_reactivate(actor=request.user, account=account)
                messages.success(request, _("Akun aktif kembali; berikan perannya lagi."))
            elif action == "resend":
                accounts.invitation_resend(actor=request.user, account=account)
                messages.success(request, _("Undangan dikirim ulang ke %(e)s.") % {"e": account.user.email})
            elif action not in {"grant", "link"}:
                messages.error(request, _("Tindakan tidak dikenal."))
        except ValidationError as e:
            for form in (grant_form, link_form):
                if form.is_bound:
                    _add_errors(form, e)
                    break
            else:
                messages.error(request, " ".join(e.messages))
        if not (grant_form.errors or link_form.errors):
            return redirect("user_detail", pk=account.user_id)
    assignments = account.official.assignments.select_related("position") if account.official else []
    return render(
        request,
        "core/user_detail.html",
        {
            "account": account,
            "subject": account.user,
            "memberships": Membership.objects.filter(user=account.user).select_related("agency"),
            "grant_form": grant_form,
            "link_form": link_form,
            "assignments": assignments,
            "pending": not account.user.has_usable_password(),
            "totp_wait": otp.throttled_for(account.user),
        },
        status=400 if (grant_form.errors or link_form.errors) else 200,
    )


@policy(ADMINS, ADMINS)
def user_totp_reset(request: NyataRequest, pk: int) -> HttpResponse:
    """Lift the wait of a user of this Pemda who typed too many wrong authenticator codes."""
    account = _account(request, pk)  # another Pemda's user is not found
    if request.method != "POST":
        return redirect("user_detail", pk=account.user_id)
    otp.totp_throttle_reset(actor=request.user, pemda=request.pemda, user=account.user)
    messages.success(request, _("Penahanan kode autentikator dibuka; %(u)s dapat mencoba lagi sekarang.")
                     % {"u": account.user.get_username()})
    return redirect("user_detail", pk=account.user_id)


@policy(ADMINS, ADMINS)
def pemda_profile(request: NyataRequest) -> HttpResponse:
    """The Pemda's own profile: name, capital, head's title, public address, logo."""
    pemda = request.pemda
    form = PemdaProfileForm(request.POST or None, request.FILES or None, instance=pemda)
    if request.method == "POST" and form.is_valid():
        before = audit.snapshot(Pemda.objects.get(pk=pemda.pk))
        try:
            accounts.pemda_profile_save(actor=request.user, pemda=form.instance, before=before)
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, _("Profil Pemda disimpan."))
            return redirect("pemda_profile")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("Profil Pemda"), "back": "/"},
        status=400 if form.errors else 200,
    )


# --- set password, reset -------------------------------------------------------------------------


def _user_from_uid(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk).first()


@policy(public=True)
def password_set(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The invitation's or reset's one-time link: the user sets their own password."""
    user = _user_from_uid(uidb64)
    if user is None or not user.is_active or not default_token_generator.check_token(user, token):
        return render(request, "registration/password_set.html", {"invalid": True}, status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.password_set(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, _("Kata sandi tersimpan. Selamat datang di Nyata."))
        if signin.required(user):
            # The link proves the mailbox, not the authenticator: the code step (or enrolment) as at sign-in.
            return signin.begin(request, user, "")
        auth_login(request, user, backend=signin.BACKEND)
        with unscoped():
            roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
        if user.is_platform_operator:
            roles.add("platform_operator")
        if roles & SECOND_FACTOR_ROLES:
            messages.info(request, _("Peran Anda mewajibkan aplikasi autentikator: pasang sekarang."))
            return redirect("security")
        return redirect("home")
    return render(
        request, "registration/password_set.html", {"form": form, "subject": user}, status=400 if form.errors else 200
    )


@policy(public=True)
def password_reset(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.password_reset_request(email=form.cleaned_data["email"])
        # The same answer whether or not the address exists.
        return render(request, "registration/password_reset.html", {"sent": True})
    return render(request, "registration/password_reset.html", {"form": form}, status=400 if form.errors else 200)
