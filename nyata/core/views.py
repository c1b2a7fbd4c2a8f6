"""Back-office pages of the core app: home, organisation, periods, users, history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from nyata.core import actions, anchors, otp, ratelimit, security_events, signin
from nyata.core.access import NyataRequest, Policy, get_for_user, may_open, policy, reach
from nyata.core.forms import (
    AgencyForm,
    AssignmentForm,
    CountedPasswordChangeForm,
    FiscalYearForm,
    LoginForm,
    OfficialForm,
    PositionForm,
    UnitForm,
    UploadForm,
)
from nyata.core.importers import import_organisation, template_bytes
from nyata.core.middleware import SESSION_PEMDA
from nyata.core.models import (
    Agency,
    Assignment,
    AuditEvent,
    FiscalYear,
    Official,
    Position,
    Role,
    SecurityEvent,
)
from nyata.core.params import as_int
from nyata.core.roles import ADMINS, ALL_ROLES, HISTORY_READERS, ORG_READERS, PEMDA_MEMBERS, PEMDA_WIDE_ROLES
from nyata.core.typealiases import TemplateContext
from nyata.core.xlsx import XLSX_CONTENT_TYPE, ImportErrors

# --- sign-in, language, Pemda switch ---------------------------------------------------------

# Each sign-in attempt costs a password hash (deliberately slow): bounded per address, on top
# of the lockout per username and address.
LOGIN_LIMIT = ratelimit.Limit("login", settings.LOGIN_RATE_LIMIT, 600)


def _demo_sign_in() -> dict[str, Any]:
    """Demo mode only: the demo authenticator's key, so a visitor can pass the code step."""
    device = otp.any_demo_device()
    return {"demo_totp_secret": otp.secret_b32(device) if device else ""}


class LoginView(auth_views.LoginView):
    """Django's sign-in; the roles that need a second factor go on to the code (core/signin.py)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]  # LoginView only ever builds a LoginForm
        return signin.begin(self.request, form.get_user(), self.get_success_url())

    def get_context_data(self, **kwargs: Any) -> TemplateContext:
        return {**super().get_context_data(**kwargs), **_demo_sign_in()}


_login = LoginView.as_view()


@policy(public=True)
def login(request: HttpRequest) -> HttpResponseBase:
    if request.method == "POST" and not LOGIN_LIMIT.take(request):
        return ratelimit.refused(request, LOGIN_LIMIT)
    return _login(request)


@policy(public=True)
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: the code from the authenticator app of the user whose password passed."""
    user = signin.pending_user(request)
    if user is None:
        if request.user.is_authenticated:
            return redirect("home")
        messages.info(request, _("Langkah kode berakhir (batasnya %(n)s menit) atau belum dimulai: masukkan "
                                 "nama pengguna dan kata sandi lagi.") % {"n": settings.SIGN_IN_CODE_MINUTES})
        return redirect("login")
    error = ""
    if request.method == "POST":
        if not LOGIN_LIMIT.take(request):
            return ratelimit.refused(request, LOGIN_LIMIT)
        try:
            device = otp.verify(user, request.POST.get("token", ""))
        except otp.SecondFactorError as e:
            otp.refused(e, user=user, request=request)
            error = " ".join(e.messages)
        else:
            return signin.finish(request, user, device)
    demo = otp.demo_device(user)
    context = {
        "subject": user,
        "error": error,
        "minutes": settings.SIGN_IN_CODE_MINUTES,
        # Demo mode only (never in production): the demo authenticator's key and its current code.
        "demo_secret": otp.secret_b32(demo) if demo else "",
        "demo_code": otp.current_code(demo) if demo else "",
    }
    return render(request, "registration/login_code.html", context, status=400 if error else 200)


logout = policy(public=True)(auth_views.LogoutView.as_view())


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view; a wrong current password counts toward the lockout, which ends the session."""

    form_class = CountedPasswordChangeForm
    template_name = "registration/password_change.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().post(request, *args, **kwargs)
        except security_events.LockedOut:
            return security_locked_out(request)

    def form_valid(self, form: CountedPasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        security_events.record(security_events.PASSWORD_CHANGED, actor=form.user, request=self.request)
        return response


def security_locked_out(request: HttpRequest) -> HttpResponse:
    """Too many wrong passwords from an open session: the session ends, the lockout page shows."""
    auth_logout(request)
    return render(request, "registration/locked.html", status=403)


password_change = policy(ALL_ROLES, ALL_ROLES, agency_limited=False, tenant=False)(PasswordChangeView.as_view())
password_change_done = policy(ALL_ROLES, agency_limited=False, tenant=False)(
    auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html")
)
set_language = policy(public=True)(django_set_language)


@policy(ALL_ROLES, ALL_ROLES, agency_limited=False, tenant=False)
@require_POST
def pemda_switch(request: NyataRequest) -> HttpResponse:
    """Switching Pemda is explicit; only to a Pemda where the user holds a role."""
    try:
        wanted = int(request.POST.get("pemda", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Pemda tidak valid."))
    if wanted not in {m.pemda_id for m in request.memberships}:
        return HttpResponseBadRequest(_("Anda tidak memiliki peran di Pemda itu."))
    request.session[SESSION_PEMDA] = wanted
    return redirect("home")


@policy(ALL_ROLES, ALL_ROLES, agency_limited=False, tenant=False)
def security(request: NyataRequest) -> HttpResponse:
    """Add or remove an authenticator app (TOTP); either asks for the current password again."""
    from django.utils.safestring import mark_safe

    confirmed = otp.confirmed_devices(request.user)
    device = None if confirmed else otp.pending_device(request.user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if not security_events.check_current_password(request, request.user,
                                                          request.POST.get("current_password", "")):
                errors["current_password"] = _("Kata sandi salah.")
            elif request.POST.get("action") == "remove" and confirmed:
                otp.totp_remove(actor=request.user, pemda=request.pemda, request=request)
                messages.success(request, _("Aplikasi autentikator dihapus; pasang lagi sebelum menandatangani."))
                return redirect("security")
            elif device is not None and otp.totp_confirm(actor=request.user, pemda=request.pemda, device=device,
                                                         token=request.POST.get("token", ""), request=request):
                # A code from the new authenticator, after the password: the second factor of this session.
                signin.mark_passed(request, request.user)
                messages.success(request, _("Aplikasi autentikator aktif."))
                return redirect("security")
            elif device is not None:
                errors["token"] = _("Kode salah atau kedaluwarsa; masukkan kode 6 digit yang sedang tampil.")
        except security_events.LockedOut:
            return security_locked_out(request)
    demo = otp.demo_device(request.user) if confirmed else None
    context = {
        "confirmed": confirmed,
        "device": device,
        # segno's SVG is generated from our own URL, no user input: safe to inline.
        "qr": mark_safe(otp.qr_svg(device)) if device else "",
        "secret": otp.secret_b32(device) if device else "",
        # Demo mode only: the demo signer's app is already "enrolled", so a newcomer needs its secret.
        "demo_qr": mark_safe(otp.qr_svg(demo)) if demo else "",
        "demo_secret": otp.secret_b32(demo) if demo else "",
        "error": errors.get("token", ""),
        "password_error": errors.get("current_password", ""),
        # Signed in with the password only: this page is all the session may open until enrolled.
        "sign_in_factor": signin.required(request.user),
        "must_enrol": not confirmed and not signin.passed(request) and signin.required(request.user),
    }
    return render(request, "core/security.html", context, status=400 if errors else 200)


# --- home -------------------------------------------------------------------------------------


def home(request: NyataRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        # A visitor is offered the public portal beside the sign-in form (the form posts to `login`).
        return render(request, "registration/login.html", {"form": LoginForm(request), "next": "", **_demo_sign_in()})
    if request.user.is_platform_operator and request.pemda is None:
        return redirect("platform_home")
    if (
        Role.PERF_ADMIN in request.roles
        and request.pemda is not None
        and request.pemda.setup_done_at is None
        and request.GET.get("beranda") != "1"
    ):
        # A new Pemda's admin starts from the setup checklist until the first PKs are signed.
        return redirect("setup_checklist")
    return _home(request)


@policy(PEMDA_MEMBERS, agency_limited=False)
def _home(request: NyataRequest) -> HttpResponse:
    roles = request.roles
    agencies = list(Agency.objects.filter(pk__in=request.agency_ids))
    counts = (
        {
            "agencies": Agency.objects.count(),
            "positions": Position.objects.count(),
            "officials": Official.objects.count(),
        }
        if roles & PEMDA_WIDE_ROLES
        else None
    )
    return render(
        request, "core/home.html", {"my_agencies": agencies, "counts": counts, "fiscal_years": FiscalYear.objects.all()}
    )


# Home shows a visitor the sign-in form and the public portal; it sends every signed-in person
# somewhere: the platform operator to the platform's page, a new Pemda's admin to the checklist,
# everyone else to `_home` (which checks its own policy).
home.nyata_policy = Policy(ALL_ROLES, public=True, agency_limited=False, tenant=False)  # type: ignore[attr-defined]  # the mark @policy sets, for a view outside it


# --- organisation: list, create, edit ----------------------------------------------------------


def _edit(
    request: NyataRequest,
    form_class: type[Any],
    instance: models.Model | None,
    *,
    title: str,
    back: str,
    extra: dict[str, Any] | None = None,
    save: Callable[..., models.Model] = actions.organisation_save,
) -> HttpResponse:
    form = form_class(request.POST or None, instance=instance, pemda=request.pemda)
    if request.method == "POST" and form.is_valid():
        try:
            save(actor=request.user, obj=form.instance)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Perubahan disimpan."))
            return redirect(back)
    return render(
        request, "core/form.html", {"form": form, "title": title, "back": back, "object": instance, **(extra or {})}
    )


@policy(PEMDA_MEMBERS)
def agency_list(request: NyataRequest) -> HttpResponse:
    """The list and, for an HTMX search request, only its rows (one template serves both)."""
    agencies = reach(request, Agency.objects.all(), "pk").annotate(n_positions=models.Count("positions"))
    query = request.GET.get("q", "").strip()
    if query:
        agencies = agencies.filter(models.Q(name__icontains=query) | models.Q(code__icontains=query))
    template = "core/agency_list.html#rows" if request.headers.get("HX-Request") else "core/agency_list.html"
    return render(request, template, {"agencies": agencies, "q": query})


@policy(PEMDA_MEMBERS)
def agency_detail(request: NyataRequest, pk: int) -> HttpResponse:
    agency = get_for_user(request, Agency, "pk", pk=pk)
    positions = Position.objects.filter(agency=agency).select_related("superior")
    holders = {
        a.position_id: a
        for a in Assignment.objects.filter(position__agency=agency, end__isnull=True).select_related("official")
    }
    rows = [(p, holders.get(p.pk)) for p in positions]
    return render(request, "core/agency_detail.html", {"agency": agency, "rows": rows, "units": agency.units.all()})


@policy(ADMINS, ADMINS)
def agency_create(request: NyataRequest) -> HttpResponse:
    return _edit(request, AgencyForm, None, title=_("Perangkat daerah baru"), back=reverse("agency_list"))


@policy(ADMINS, ADMINS)
def agency_edit(request: NyataRequest, pk: int) -> HttpResponse:
    agency = get_for_user(request, Agency, "pk", pk=pk)
    return _edit(
        request, AgencyForm, agency, title=_("Ubah perangkat daerah"), back=reverse("agency_detail", args=[agency.pk])
    )


@policy(ADMINS, ADMINS)
def unit_create(request: NyataRequest) -> HttpResponse:
    """Sub-units (bidang, bagian, UPTD) nest under an agency and under each other."""
    return _edit(request, UnitForm, None, title=_("Unit kerja baru"), back=reverse("agency_list"))


@policy(ORG_READERS)
def position_list(request: NyataRequest) -> HttpResponse:
    positions = reach(request, Position.objects.select_related("agency", "superior"))
    return render(request, "core/position_list.html", {"positions": positions})


@policy(ADMINS, ADMINS)
def position_create(request: NyataRequest) -> HttpResponse:
    return _edit(request, PositionForm, None, title=_("Jabatan baru"), back=reverse("position_list"))


@policy(ADMINS, ADMINS)
def position_edit(request: NyataRequest, pk: int) -> HttpResponse:
    position = get_for_user(request, Position, pk=pk)
    return _edit(request, PositionForm, position, title=_("Ubah jabatan"), back=reverse("position_list"))


@policy(ORG_READERS)
def official_list(request: NyataRequest) -> HttpResponse:
    current = Assignment.objects.filter(end__isnull=True).select_related("position__agency", "official")
    current = reach(request, current, "position__agency")
    return render(
        request, "core/official_list.html", {"assignments": current, "show_nip": bool(request.roles & ADMINS)}
    )


@policy(ADMINS, ADMINS)
def official_create(request: NyataRequest) -> HttpResponse:
    return _edit(request, OfficialForm, None, title=_("Pejabat baru"), back=reverse("official_list"))


@policy(ADMINS, ADMINS)
def official_edit(request: NyataRequest, pk: int) -> HttpResponse:
    official = get_for_user(request, Official, None, pk=pk)
    history = official.assignments.select_related("position")
    return _edit(
        request,
        OfficialForm,
        official,
        title=_("Ubah pejabat"),
        back=reverse("official_list"),
        extra={"assignments": history},
    )


@policy(ADMINS, ADMINS)
def assignment_create(request: NyataRequest) -> HttpResponse:
    return _edit(request, AssignmentForm, None, title=_("Penugasan jabatan"), back=reverse("official_list"),
                 save=lambda *, actor, obj: actions.assignment_save(actor=actor, assignment=obj))


@policy(ADMINS, ADMINS)
def organisation_import(request: NyataRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            counts = import_organisation(
                actor=request.user,
                pemda=request.pemda,
                upload=form.cleaned_data["file"],
            )
        except ImportErrors as e:
            errors = e.errors
        else:
            messages.success(
                request,
                _("Impor berhasil: %(a)d perangkat daerah, %(p)d jabatan, %(o)d pejabat, %(u)d pengguna diundang.")
                % {"a": counts["agencies"], "p": counts["positions"], "o": counts["officials"],
                   "u": counts.get("users", 0)},
            )
            return redirect("agency_list")
    return render(request, "core/import.html", {"form": form, "errors": errors}, status=400 if errors else 200)


@policy(ADMINS)
def organisation_template(request: NyataRequest) -> HttpResponse:
    response = HttpResponse(template_bytes(request.pemda), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="nyata-organisasi.xlsx"'
    return response


# --- periods ------------------------------------------------------------------------------------


@policy(PEMDA_WIDE_ROLES, ADMINS)
def fiscal_year_list(request: NyataRequest) -> HttpResponse:
    form = FiscalYearForm(request.POST or None, pemda=request.pemda)
    if request.method == "POST" and form.is_valid():
        actions.fiscal_year_create(
            actor=request.user,
            pemda=request.pemda,
            year=form.cleaned_data["year"],
            state=form.cleaned_data["state"],
        )
        messages.success(request, _("Tahun anggaran dibuat dengan empat triwulan."))
        return redirect("fiscal_year_list")
    years = FiscalYear.objects.prefetch_related("quarters")
    return render(request, "core/fiscal_years.html", {"years": years, "form": form},
                  status=400 if form.is_bound else 200)


# --- history ----------------------------------------------------------------------------------

HISTORY_MODELS: dict[str, tuple[type[models.Model], str | None]] = {
    "core.agency": (Agency, "pk"),
    "core.position": (Position, "agency"),
    "core.official": (Official, None),
}


def register_history(label: str, model: type[models.Model], agency_field: str | None) -> None:
    """Other apps add their models so the one history page can show them."""
    HISTORY_MODELS[label] = (model, agency_field)


def history_url(request: HttpRequest, obj: models.Model) -> str:
    """The history page of `obj` when this user may open it (the page's own rule), else ""."""
    label = obj._meta.label_lower
    if label not in HISTORY_MODELS:
        return ""
    agency_field = HISTORY_MODELS[label][1]
    agency = None if agency_field is None else obj.pk if agency_field == "pk" else getattr(obj, f"{agency_field}_id")
    if not may_open(request, "object_history", label, obj.pk, agency=agency):
        return ""
    return reverse("object_history", args=[label, obj.pk])


@policy(HISTORY_READERS)
def object_history(request: NyataRequest, label: str, pk: int) -> HttpResponse:
    from django.http import Http404

    if label not in HISTORY_MODELS:
        raise Http404
    model, agency_field = HISTORY_MODELS[label]
    if agency_field is None and not (request.roles & PEMDA_WIDE_ROLES):
        raise Http404
    obj = get_for_user(request, model, agency_field, pk=pk)
    events = AuditEvent.objects.filter(object_type=label, object_id=str(obj.pk)).order_by("-seq")
    rows = [(e, _history_rows(model, e.data or {})) for e in events]
    return render(request, "core/history.html", {"object": obj, "events": rows})


def _history_rows(model: type[models.Model], data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field label, before, after) for one audit event: a person reads labels, never column codes."""
    before, after = data.get("before") or {}, data.get("after") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    fields = {f.attname: f for f in model._meta.concrete_fields} | {f.name: f for f in model._meta.concrete_fields}
    rows = []
    for key in after or before:
        field = fields.get(key)
        label = str(field.verbose_name) if field is not None else key.replace("_", " ")
        old = _history_value(field, before[key]) if key in before else ""
        new = _history_value(field, after[key]) if after else "—"
        rows.append((label, old, new))
    return rows


def _history_value(field: models.Field[Any, Any] | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Ya") if value else _("Tidak"))
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


# --- security events ----------------------------------------------------------------------------

SECURITY_PAGE = 100


@policy(ADMINS)
def security_event_list(request: NyataRequest) -> HttpResponse:
    """The Pemda's security events, newest first, a page at a time (`?sebelum=<seq>`)."""
    events = SecurityEvent.objects.filter(chain=request.pemda.pk).select_related("actor").order_by("-seq")
    action = request.GET.get("jenis", "")
    if action in security_events.LABELS:
        events = events.filter(action=action)
    before = as_int(request.GET.get("sebelum", ""))
    if before is not None:
        events = events.filter(seq__lt=before)
    rows = list(events[: SECURITY_PAGE + 1])
    more = len(rows) > SECURITY_PAGE
    rows = rows[:SECURITY_PAGE]
    context = {
        "events": [(e, security_events.label_of(e.action)) for e in rows],
        "next_before": rows[-1].seq if more else None,
        "actions": sorted(((code, str(label)) for code, label in security_events.LABELS.items()),
                          key=lambda item: item[1]),
        "action": action,
        "anchor": anchors.read(request.pemda),
    }
    return render(request, "core/security_events.html", context)


@policy(ADMINS, ADMINS)
def audit_anchor(request: NyataRequest) -> HttpResponse:
    """Anchor the Pemda's audit chain now: its head, signed with the seal, outside the database."""
    if request.method != "POST":
        return redirect("security_event_list")
    try:
        actions.chain_anchor(actor=request.user, pemda=request.pemda)
    except (ValidationError, anchors.AnchorError) as e:
        messages.error(request, " ".join(e.messages) if isinstance(e, ValidationError) else str(e))
    else:
        messages.success(request, _("Kepala rantai audit dijangkarkan."))
    return redirect("security_event_list")
