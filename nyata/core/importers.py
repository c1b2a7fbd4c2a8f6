"""Excel import and export of the organisation: agencies, positions, officials, users."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from nyata.core import accounts
from nyata.core.actions import assignment_save, organisation_save
from nyata.core.models import Account, Agency, Assignment, Membership, Official, Pemda, Position, User
from nyata.core.nip import parse_nip
from nyata.core.roles import AGENCY_ROLES, GRANTABLE_ROLES, Role
from nyata.core.xlsx import ImportErrors, build_workbook, open_workbook, read_sheet, text

AGENCY_SHEET, POSITION_SHEET, OFFICIAL_SHEET, USER_SHEET = "PerangkatDaerah", "Jabatan", "Pejabat", "Pengguna"
AGENCY_COLS = ["kode", "nama", "singkatan", "jenis"]
POSITION_COLS = ["kode", "nama", "jenjang", "kode_pd", "kode_atasan", "kepala_pd"]
OFFICIAL_COLS = ["nama", "nip", "jenis_kelamin", "kode_jabatan", "mulai", "plt"]
USER_COLS = ["username", "nama", "email", "nip", "peran", "kode_pd"]
# The role column takes the code or a short Indonesian name.
ROLE_ALIASES = {
    "pimpinan": Role.LEADER, "admin_kinerja": Role.PERF_ADMIN, "perencana": Role.PLANNER,
    "bappeda": Role.PLANNER, "inspektorat": Role.INSPECTOR, "kepala_pd": Role.AGENCY_HEAD,
    "operator_pd": Role.AGENCY_OPERATOR, "operator": Role.AGENCY_OPERATOR,
    **{r.value: r for r in Role if r in GRANTABLE_ROLES},
}
YES = {"ya", "y", "yes", "1", "true", "benar"}
NO = {"", "tidak", "t", "no", "0", "false", "salah"}

INSTRUCTIONS = [
    "Templat impor organisasi Nyata. Isi lembar PerangkatDaerah, Jabatan, Pejabat, dan (boleh) Pengguna.",
    "Jangan mengubah judul kolom. Baris kosong diabaikan. Rumus tidak diterima.",
    "jenis perangkat daerah: " + ", ".join(Agency.Kind.values),
    "jenjang jabatan: " + ", ".join(Position.Level.values),
    "kode_pd dan kode_atasan merujuk kode pada lembar PerangkatDaerah dan Jabatan.",
    "NIP 18 digit (kosong untuk kepala daerah). Tanggal: YYYY-MM-DD. plt: ya/tidak.",
    "Pengguna: satu baris per pengguna; setiap pengguna baru menerima e-mail undangan untuk membuat kata sandi.",
    "peran: pimpinan, admin_kinerja, perencana, inspektorat, kepala_pd, operator_pd; kode_pd wajib untuk "
    "kepala_pd dan operator_pd. nip: akun ditautkan ke pejabat ber-NIP itu (yang menandatangani PK).",
    "Impor bersifat semua-atau-tidak-sama-sekali: satu kesalahan membatalkan seluruh berkas.",
]


def template_bytes(pemda: Pemda | None = None) -> bytes:
    """The template, pre-filled with the Pemda's current organisation when given."""
    agencies: list[list[Any]] = []
    positions: list[list[Any]] = []
    officials: list[list[Any]] = []
    # The Pengguna sheet starts empty: it invites new users (the directory lists the existing ones,
    # and a downloaded file carries no one's e-mail address).
    users: list[list[Any]] = []
    if pemda is not None:
        agencies = [[a.code, a.name, a.abbreviation, a.kind] for a in Agency.objects.all()]
        positions = [
            [
                p.code,
                p.name,
                p.level,
                p.agency.code if p.agency else "",
                p.superior.code if p.superior else "",
                "ya" if p.is_agency_head else "tidak",
            ]
            for p in Position.objects.select_related("agency", "superior")
        ]
        officials = [
            [
                a.official.name,
                a.official.nip,
                a.official.sex,
                a.position.code,
                a.start.isoformat(),
                "ya" if a.acting else "tidak",
            ]
            for a in Assignment.objects.filter(end__isnull=True).select_related("official", "position")
        ]
    return build_workbook(
        [
            (AGENCY_SHEET, AGENCY_COLS, agencies),
            (POSITION_SHEET, POSITION_COLS, positions),
            (OFFICIAL_SHEET, OFFICIAL_COLS, officials),
            (USER_SHEET, USER_COLS, users),
        ],
        INSTRUCTIONS,
    )


def _bool(value: Any, errors: ImportErrors, sheet: str, row: int, col: str) -> bool:
    word = text(value).lower()
    if word in YES:
        return True
    if word in NO:
        return False
    errors.add(sheet, row, col, _("Isikan 'ya' atau 'tidak', bukan '%(v)s'.") % {"v": word})
    return False


def _date(value: Any, errors: ImportErrors, sheet: str, row: int, col: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(text(value))
    except ValueError:
        errors.add(sheet, row, col, _("Tanggal tidak valid: '%(v)s' (format YYYY-MM-DD).") % {"v": text(value)})
        return None


def import_organisation(*, actor: User | None, pemda: Pemda, upload: IO[bytes] | bytes) -> dict[str, int]:
    """Validate the whole workbook, then write it in one transaction, or nothing at all."""
    wb = open_workbook(upload)
    errors = ImportErrors()
    agency_rows = read_sheet(wb, AGENCY_SHEET, AGENCY_COLS, errors)
    position_rows = read_sheet(wb, POSITION_SHEET, POSITION_COLS, errors)
    official_rows = read_sheet(wb, OFFICIAL_SHEET, OFFICIAL_COLS, errors)
    user_rows = read_sheet(wb, USER_SHEET, USER_COLS, errors, required=False)
    if errors:
        raise errors

    seen: dict[str, int] = {}
    agency_codes = set(Agency.objects.values_list("code", flat=True))
    for n, r in agency_rows:
        code = text(r["kode"])
        if not code:
            errors.add(AGENCY_SHEET, n, "kode", _("Kode wajib diisi."))
        elif code in seen:
            errors.add(
                AGENCY_SHEET, n, "kode", _("Kode %(c)s ganda (juga di baris %(r)d).") % {"c": code, "r": seen[code]}
            )
        seen.setdefault(code, n)
        if not text(r["nama"]):
            errors.add(AGENCY_SHEET, n, "nama", _("Nama wajib diisi."))
        if text(r["jenis"]) not in Agency.Kind.values:
            errors.add(AGENCY_SHEET, n, "jenis", _("Jenis '%(v)s' tidak dikenal.") % {"v": text(r["jenis"])})
    agency_codes |= set(seen)

    pos_seen: dict[str, int] = {}
    position_codes = set(Position.objects.values_list("code", flat=True))
    for n, r in position_rows:
        code = text(r["kode"])
        if not code:
            errors.add(POSITION_SHEET, n, "kode", _("Kode wajib diisi."))
        elif code in pos_seen:
            errors.add(
                POSITION_SHEET,
                n,
                "kode",
                _("Kode %(c)s ganda (juga di baris %(r)d).") % {"c": code, "r": pos_seen[code]},
            )
        pos_seen.setdefault(code, n)
        if text(r["jenjang"]) not in Position.Level.values:
            errors.add(POSITION_SHEET, n, "jenjang", _("Jenjang '%(v)s' tidak dikenal.") % {"v": text(r["jenjang"])})
        if text(r["kode_pd"]) and text(r["kode_pd"]) not in agency_codes:
            errors.add(
                POSITION_SHEET, n, "kode_pd", _("Perangkat daerah '%(v)s' tidak ada.") % {"v": text(r["kode_pd"])}
            )
        _bool(r["kepala_pd"], errors, POSITION_SHEET, n, "kepala_pd")
    position_codes |= set(pos_seen)
    for n, r in position_rows:
        sup = text(r["kode_atasan"])
        if sup and sup not in position_codes:
            errors.add(POSITION_SHEET, n, "kode_atasan", _("Jabatan atasan '%(v)s' tidak ada.") % {"v": sup})
        if sup and sup == text(r["kode"]):
            errors.add(POSITION_SHEET, n, "kode_atasan", _("Jabatan tidak boleh menjadi atasannya sendiri."))

    for n, r in official_rows:
        if not text(r["nama"]):
            errors.add(OFFICIAL_SHEET, n, "nama", _("Nama wajib diisi."))
        nip = text(r["nip"])
        if nip:
            try:
                parse_nip(nip)
            except ValidationError as e:
                errors.add(OFFICIAL_SHEET, n, "nip", " ".join(e.messages))
        if text(r["jenis_kelamin"]) not in ("", "L", "P"):
            errors.add(OFFICIAL_SHEET, n, "jenis_kelamin", _("Isikan L atau P."))
        if text(r["kode_jabatan"]):
            if text(r["kode_jabatan"]) not in position_codes:
                errors.add(
                    OFFICIAL_SHEET, n, "kode_jabatan", _("Jabatan '%(v)s' tidak ada.") % {"v": text(r["kode_jabatan"])}
                )
            _date(r["mulai"], errors, OFFICIAL_SHEET, n, "mulai")
            _bool(r["plt"], errors, OFFICIAL_SHEET, n, "plt")
    nips = {text(r["nip"]) for _n, r in official_rows if text(r["nip"])}
    nips |= set(Official.objects.exclude(nip="").values_list("nip", flat=True))
    _check_users(pemda, user_rows, agency_codes, nips, errors)
    if errors:
        raise errors

    try:
        with transaction.atomic():
            counts = _write(actor, pemda, agency_rows, position_rows, official_rows, errors)
            counts["users"] = _write_users(actor, pemda, user_rows, errors)
            return counts
    except ImportErrors:
        raise
    except ValidationError as e:  # a rule only the database state can check
        errors.add("", None, None, " ".join(e.messages))
        raise errors from None


def _role(value: Any) -> Role | None:
    return ROLE_ALIASES.get(text(value).lower().replace(" ", "_"))


def _check_users(pemda: Pemda, rows: Any, agency_codes: set[str], nips: set[str], errors: ImportErrors) -> None:
    """Every problem of the Pengguna sheet at once, with its row and column."""
    own = {a.user.username: a for a in Account.objects.select_related("user")}
    emails = {a.user.email.lower(): a.user.username for a in own.values() if a.user.email}
    seen_user: dict[str, int] = {}
    seen_email: dict[str, int] = {}
    for n, r in rows:
        username = text(r["username"]).lower()
        email = text(r["email"]).lower()
        existing = own.get(username)
        if not username:
            errors.add(USER_SHEET, n, "username", _("Nama pengguna wajib diisi."))
        elif username in seen_user:
            errors.add(USER_SHEET, n, "username", _("Nama pengguna %(u)s ganda (juga di baris %(r)d).")
                       % {"u": username, "r": seen_user[username]})
        elif existing is None:
            try:
                accounts.check_username(username)
            except ValidationError as e:
                errors.add(USER_SHEET, n, "username", " ".join(e.messages))
        seen_user.setdefault(username, n)
        if existing is None:
            if not text(r["nama"]):
                errors.add(USER_SHEET, n, "nama", _("Nama wajib diisi."))
            try:
                validate_email(email)
            except ValidationError:
                errors.add(USER_SHEET, n, "email", _("Alamat e-mail '%(e)s' tidak valid.") % {"e": email})
            else:
                if email in emails:
                    errors.add(USER_SHEET, n, "email", _("E-mail %(e)s sudah dipakai pengguna %(u)s di Pemda ini.")
                               % {"e": email, "u": emails[email]})
                elif email in seen_email:
                    errors.add(USER_SHEET, n, "email", _("E-mail %(e)s ganda (juga di baris %(r)d).")
                               % {"e": email, "r": seen_email[email]})
            seen_email.setdefault(email, n)
        nip = text(r["nip"])
        if nip and nip not in nips:
            errors.add(USER_SHEET, n, "nip", _("Tidak ada pejabat dengan NIP %(n)s di Pemda ini atau di lembar "
                                               "Pejabat.") % {"n": nip})
        role = _role(r["peran"])
        code = text(r["kode_pd"])
        if role is None:
            errors.add(USER_SHEET, n, "peran", _("Peran '%(v)s' tidak dikenal.") % {"v": text(r["peran"])})
        elif role in AGENCY_ROLES and not code:
            errors.add(USER_SHEET, n, "kode_pd", _("Peran ini harus terikat pada satu perangkat daerah."))
        elif role not in AGENCY_ROLES and code:
            errors.add(USER_SHEET, n, "kode_pd", _("Peran ini berlaku untuk seluruh Pemda, tanpa perangkat daerah."))
        if code and code not in agency_codes:
            errors.add(USER_SHEET, n, "kode_pd", _("Perangkat daerah '%(v)s' tidak ada.") % {"v": code})


def _write_users(actor: User | None, pemda: Pemda, rows: Any, errors: ImportErrors) -> int:
    agencies = {a.code: a for a in Agency.objects.all()}
    own = {a.user.username: a for a in Account.objects.select_related("user")}
    created = 0
    for n, r in rows:
        username, role = text(r["username"]).lower(), _role(r["peran"])
        assert role is not None
        agency = agencies.get(text(r["kode_pd"])) if text(r["kode_pd"]) else None
        try:
            account = own.get(username)
            if account is None:
                accounts.user_invite(actor=actor, pemda=pemda, username=username, name=text(r["nama"]),
                                     email=text(r["email"]), role=role, agency=agency, nip=text(r["nip"]))
                created += 1
                continue
            if not Membership.objects.filter(user=account.user, role=role, agency=agency).exists():
                accounts.role_grant(actor=actor, account=account, role=role, agency=agency)
            official = accounts.official_by_nip(text(r["nip"]))
            if official is not None and account.official_id != official.pk:
                accounts.account_link_official(actor=actor, pemda=pemda, user=account.user, official=official)
        except ValidationError as e:
            for col, msgs in e.message_dict.items() if hasattr(e, "error_dict") else [("", e.messages)]:
                column = {"name": "nama", "role": "peran", "agency": "kode_pd", "official": "nip"}.get(col, col)
                for m in msgs:
                    errors.add(USER_SHEET, n, column if column in USER_COLS else None, m)
            raise errors from None
    return created


def _apply(actor: User | None, obj: Any, sheet: str, row: int, errors: ImportErrors,
           save: Callable[[Any], Any] | None = None) -> Any:
    """Save one imported row through its action (the organisation's, unless `save` names another),
    turning a refusal into an error at its sheet and row."""
    try:
        return save(obj) if save is not None else organisation_save(actor=actor, obj=obj)
    except ValidationError as e:
        for col, msgs in e.message_dict.items() if hasattr(e, "error_dict") else [("", e.messages)]:
            for m in msgs:
                errors.add(sheet, row, col if col != "__all__" else None, m)
        raise errors from None


def _write(
    actor: User | None, pemda: Pemda, agency_rows: Any, position_rows: Any, official_rows: Any, errors: ImportErrors
) -> dict[str, int]:
    agencies = {a.code: a for a in Agency.objects.all()}
    for n, r in agency_rows:
        a = agencies.get(text(r["kode"])) or Agency(pemda=pemda, code=text(r["kode"]))
        a.name, a.abbreviation, a.kind = text(r["nama"]), text(r["singkatan"]), text(r["jenis"])
        agencies[a.code] = _apply(actor, a, AGENCY_SHEET, n, errors)
    positions = {p.code: p for p in Position.objects.all()}
    for n, r in position_rows:
        p = positions.get(text(r["kode"])) or Position(pemda=pemda, code=text(r["kode"]))
        p.name, p.level = text(r["nama"]), text(r["jenjang"])
        p.agency = agencies.get(text(r["kode_pd"])) if text(r["kode_pd"]) else None
        p.is_agency_head = text(r["kepala_pd"]).lower() in YES
        positions[p.code] = _apply(actor, p, POSITION_SHEET, n, errors)
    for n, r in position_rows:
        p = positions[text(r["kode"])]
        sup = positions.get(text(r["kode_atasan"])) if text(r["kode_atasan"]) else None
        if p.superior_id != (sup.pk if sup else None):
            p.superior = sup
            _apply(actor, p, POSITION_SHEET, n, errors)
    officials = {o.nip: o for o in Official.objects.exclude(nip="")}
    count_assign = 0
    for n, r in official_rows:
        nip = text(r["nip"])
        o = officials.get(nip) if nip else Official.objects.filter(name=text(r["nama"]), nip="").first()
        o = o or Official(pemda=pemda, nip=nip)
        o.name, o.sex = text(r["nama"]), text(r["jenis_kelamin"])
        o = _apply(actor, o, OFFICIAL_SHEET, n, errors)
        if o.nip:
            officials[o.nip] = o
        if text(r["kode_jabatan"]):
            position = positions[text(r["kode_jabatan"])]
            start = _date(r["mulai"], errors, OFFICIAL_SHEET, n, "mulai")
            acting = text(r["plt"]).lower() in YES
            exists = Assignment.objects.filter(official=o, position=position, start=start, acting=acting).exists()
            if not exists and start is not None:
                _apply(
                    actor,
                    Assignment(pemda=pemda, official=o, position=position, start=start, acting=acting),
                    OFFICIAL_SHEET,
                    n,
                    errors,
                    save=lambda a: assignment_save(actor=actor, assignment=a),
                )
                count_assign += 1
    return {
        "agencies": len(agency_rows),
        "positions": len(position_rows),
        "officials": len(official_rows),
        "assignments": count_assign,
    }
