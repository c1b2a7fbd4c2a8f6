"""The South Sumatra demo: real agencies and regions from the seed data, illustrative people.

Idempotent: every step looks its rows up by natural key first, so running it again
adds only what is missing (later features add their own steps here).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from nyata.agreements import demo as agreements_demo
from nyata.core import actions, otp
from nyata.core.auth import memberships_of
from nyata.core.models import Agency, Assignment, FiscalYear, Location, Membership, Official, Pemda, Position, User
from nyata.core.roles import SECOND_FACTOR_ROLES, Role
from nyata.core.tenancy import tenant_scope, unscoped
from nyata.dashboard import demo as dashboard_demo
from nyata.onboarding.actions import pemda_setup_done
from nyata.planning import demo as planning_demo
from nyata.portal import demo as portal_demo
from nyata.products import demo as products_demo
from nyata.projects import demo as projects_demo
from nyata.reporting import demo as reporting_demo

DATA = Path(__file__).resolve().parent / "data"
PROVINCE_CODE = "16"
REGENCY_CODE = "16.07"  # Kabupaten Banyuasin: second tenant, to make isolation visible
DEMO_PASSWORD = "Nyata-Demo-2026!"

# Officials named in the seed data (sources in data/SOURCES.md and the CSV rows).
GOVERNOR = "H. Herman Deru, S.H., M.M."
VICE_GOVERNOR = "H. Cik Ujang, S.H."
REGIONAL_SECRETARY = "Ir. S.A. Supriono"  # named as Sekda in a 2023 source (indicators.csv)

_GIVEN = [
    "Ahmad",
    "Siti",
    "Rudi",
    "Dewi",
    "Hendra",
    "Nurul",
    "Agus",
    "Rina",
    "Budi",
    "Yuli",
    "Fajar",
    "Lestari",
    "Irwan",
    "Maya",
    "Joko",
    "Ratna",
    "Eko",
    "Wulan",
    "Taufik",
    "Indah",
]
_FAMILY = [
    "Saputra",
    "Wijaya",
    "Harahap",
    "Pratama",
    "Hasibuan",
    "Kurniawan",
    "Lubis",
    "Santoso",
    "Rahmawati",
    "Siregar",
    "Nasution",
    "Permana",
    "Putri",
    "Hidayat",
]


@dataclass
class DemoAccount:
    username: str
    role: str
    agency: str
    pemda: str  # the Pemda's name, as its people say it


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _illustrative_person(i: int) -> tuple[str, str, str]:
    """A made-up name and a valid NIP for demo official i (labelled illustrative in the UI)."""
    given, family = _GIVEN[i % len(_GIVEN)], _FAMILY[(i * 7) % len(_FAMILY)]
    female = given in {"Siti", "Dewi", "Nurul", "Rina", "Yuli", "Lestari", "Maya", "Ratna", "Wulan", "Indah"}
    birth = dt.date(1968 + i % 15, 1 + i % 12, 1 + (i * 3) % 28)
    nip = f"{birth:%Y%m%d}{birth.year + 25}{1 + (i * 5) % 12:02d}{2 if female else 1}{1 + i:03d}"
    return f"{given} {family}", nip, "P" if female else "L"


def _get_or_save(model: type[Any], lookup: dict[str, Any], build: Callable[[], Any]) -> tuple[Any, bool]:
    obj = model.objects.filter(**lookup).first()
    if obj is not None:
        return obj, False
    return actions.record_save(actor=None, obj=build()), True


def _pemda(code: str, name: str, kind: str, capital: str, head_title: str) -> Pemda:
    with unscoped():
        pemda = Pemda.objects.filter(code=code).first()
    if pemda is None:
        pemda = actions.pemda_create(
            actor=None, code=code, name=name, kind=kind, capital=capital, head_title=head_title
        )
    return pemda


def _fiscal_years(pemda: Pemda) -> None:
    # 2025 starts as a running year: its plan, agreements and reports are loaded first, and the
    # year is closed at the end of the load, as a performance admin would close it.
    for year, state in (
        (2025, FiscalYear.State.RUNNING),
        (2026, FiscalYear.State.RUNNING),
        (2027, FiscalYear.State.PLANNING),
    ):
        if not FiscalYear.objects.filter(year=year).exists():
            actions.fiscal_year_create(actor=None, pemda=pemda, year=year, state=state)


def _new_agency(pemda: Pemda, r: dict[str, str]) -> Agency:
    kind = r["type"] or Agency.Kind.OTHER
    return Agency(pemda=pemda, code=r["code"], name=r["name"], abbreviation=r["abbreviation"] or "", kind=kind)


def _agencies(pemda: Pemda, rows: list[dict[str, str]]) -> dict[str, Agency]:
    out = {}
    for r in rows:
        agency, _ = _get_or_save(Agency, {"code": r["code"]}, functools.partial(_new_agency, pemda, r))
        out[agency.code] = agency
    return out


def _position(pemda: Pemda, code: str, **fields: Any) -> Position:
    pos, _ = _get_or_save(Position, {"code": code}, lambda: Position(pemda=pemda, code=code, **fields))
    return cast("Position", pos)


def _appoint(
    pemda: Pemda,
    position: Position,
    name: str,
    nip: str,
    sex: str,
    illustrative: bool,
    start: dt.date,
    acting: bool = False,
) -> Official:
    lookup = {"nip": nip} if nip else {"name": name}
    official, _ = _get_or_save(
        Official,
        lookup,
        lambda: Official(pemda=pemda, name=name, nip=nip, sex=sex, is_illustrative=illustrative),
    )
    if not Assignment.objects.filter(position=position, end__isnull=True).exists():
        actions.assignment_save(
            actor=None, assignment=Assignment(pemda=pemda, official=official, position=position, start=start,
                                              acting=acting),
        )
    return cast("Official", official)


def _user(username: str, full_name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        first, _, last = full_name.partition(" ")
        user = User(username=username, first_name=first[:150], last_name=last[:150])
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _grant(pemda: Pemda, user: User, role: str, agency: Agency | None = None) -> None:
    if not Membership.objects.filter(user=user, role=role, agency=agency).exists():
        actions.membership_grant(actor=None, pemda=pemda, user=user, role=role, agency=agency)


def load_province() -> tuple[Pemda, list[DemoAccount]]:
    pemda = _pemda(PROVINCE_CODE, "Provinsi Sumatera Selatan", Pemda.Kind.PROVINCE, "Palembang", "Gubernur")
    with tenant_scope(pemda), transaction.atomic():
        for r in _rows("kabkota.csv"):
            if not Location.objects.filter(code=r["code"]).exists():
                actions.record_save(
                    actor=None,
                    obj=Location(
                        pemda=pemda, code=r["code"], name=r["name"], short_name=r["short_name"], kind=r["type"]
                    ),
                )
        _fiscal_years(pemda)
        agencies = _agencies(pemda, _rows("opd.csv"))
        start = dt.date(2025, 2, 20)  # inauguration of the 2025–2030 governor (illustrative date)
        gov = _position(pemda, "GUB", name="Gubernur Sumatera Selatan", level=Position.Level.REGIONAL_HEAD)
        vice = _position(
            pemda, "WAGUB", name="Wakil Gubernur Sumatera Selatan", level=Position.Level.DEPUTY_HEAD, superior=gov
        )
        sekda = _position(
            pemda,
            "SEKDA",
            name="Sekretaris Daerah Provinsi Sumatera Selatan",
            level=Position.Level.JPT_MADYA,
            agency=agencies["SETDA"],
            superior=gov,
            is_agency_head=True,
        )
        _appoint(pemda, gov, GOVERNOR, "", "L", False, start)
        _appoint(pemda, vice, VICE_GOVERNOR, "", "L", False, start)
        _appoint(pemda, sekda, REGIONAL_SECRETARY, "", "L", False, dt.date(2023, 1, 2))
        for i, (code, agency) in enumerate(sorted(agencies.items())):
            if code == "SETDA":
                continue
            short = agency.abbreviation or agency.name
            title = {
                Agency.Kind.BUREAU: f"Kepala {short}",  # "Biro …" already names the post
                Agency.Kind.HOSPITAL: f"Direktur {short}",
                Agency.Kind.INSPECTORATE: "Inspektur Daerah",
            }.get(Agency.Kind(agency.kind), f"Kepala {short}")
            head = _position(
                pemda,
                f"KA-{code}",
                name=title,
                level=Position.Level.JPT_PRATAMA,
                agency=agency,
                superior=sekda if agency.kind == Agency.Kind.BUREAU else gov,
                is_agency_head=True,
            )
            name, nip, sex = _illustrative_person(i)
            # Every seventh post is held by an acting official (Plt.) to show the case.
            _appoint(pemda, head, name, nip, sex, True, dt.date(2025, 6, 2), acting=(i % 7 == 3))
        accounts = [
            ("gubernur", GOVERNOR, Role.LEADER, None),
            ("admin", "Admin Biro Organisasi", Role.PERF_ADMIN, None),
            ("bappeda", "Perencana Bappeda", Role.PLANNER, None),
            ("inspektur", "Auditor Inspektorat", Role.INSPECTOR, None),
            ("kadinkes", "Kepala Dinas Kesehatan", Role.AGENCY_HEAD, agencies["DINKES"]),
            ("operator.dinkes", "Operator Dinas Kesehatan", Role.AGENCY_OPERATOR, agencies["DINKES"]),
            ("operator.pubmtr", "Operator Dinas PU Bina Marga", Role.AGENCY_OPERATOR, agencies["PUBMTR"]),
        ]
        out = []
        for username, full, role, where in accounts:
            _grant(pemda, _user(username, full), role, where)
            out.append(DemoAccount(username, str(role.label), str(where or "—"), pemda.name))
    return pemda, out


def load_regency() -> tuple[Pemda, list[DemoAccount]]:
    pemda = _pemda(REGENCY_CODE, "Kabupaten Banyuasin", Pemda.Kind.REGENCY, "Pangkalan Balai", "Bupati")
    rows = [  # illustrative: a few agencies of a regency, to show tenant isolation
        {
            "code": "BAPPEDA",
            "name": "Bappeda Kabupaten Banyuasin (ilustratif)",
            "abbreviation": "Bappeda",
            "type": "badan",
        },
        {
            "code": "DINKES",
            "name": "Dinas Kesehatan Kabupaten Banyuasin (ilustratif)",
            "abbreviation": "Dinkes",
            "type": "dinas",
        },
        {
            "code": "PUPR",
            "name": "Dinas PUPR Kabupaten Banyuasin (ilustratif)",
            "abbreviation": "PUPR",
            "type": "dinas",
        },
        {
            "code": "INSP",
            "name": "Inspektorat Kabupaten Banyuasin (ilustratif)",
            "abbreviation": "Inspektorat",
            "type": "inspektorat",
        },
    ]
    with tenant_scope(pemda), transaction.atomic():
        _fiscal_years(pemda)
        agencies = _agencies(pemda, rows)
        out = []
        for username, full, role, agency in [
            ("admin.banyuasin", "Admin Kinerja Banyuasin", Role.PERF_ADMIN, None),
            ("operator.banyuasin", "Operator Dinkes Banyuasin", Role.AGENCY_OPERATOR, agencies["DINKES"]),
        ]:
            _grant(pemda, _user(username, full), role, agency)
            out.append(DemoAccount(username, str(role.label), str(agency or "—"), pemda.name))
    return pemda, out


# In dependency order: plans before agreements before reports.
APP_DEMOS = [planning_demo, agreements_demo, reporting_demo, projects_demo, products_demo, portal_demo,
             dashboard_demo]


def load_platform_operator() -> DemoAccount:
    """The installation's host: opens the platform's pages (the Pemda it hosts), reads no Pemda's content."""
    user = _user("platform", "Operator Platform Nyata")
    if not user.is_platform_operator:
        user.is_platform_operator = True
        user.save(update_fields=["is_platform_operator"])
    return DemoAccount(user.username, str(Role.PLATFORM_OPERATOR.label), "—", "—")


def _demo_authenticators(accounts: list[DemoAccount]) -> None:
    """Demo mode only: every demo account whose role uses a second factor (to sign, or to sign in)
    gets the demo's authenticator, whose key the sign-in and security pages show in demo mode, so
    the code step needs no phone. Never in production (the command refuses to run there)."""
    if not settings.DEMO_MODE:
        return
    with unscoped():
        for user in User.objects.filter(username__in=[a.username for a in accounts]):
            roles = {m.role for m in memberships_of(user)}
            if user.is_platform_operator:
                roles.add(Role.PLATFORM_OPERATOR)
            devices = TOTPDevice.objects.filter(user=user, name=otp.DEMO_DEVICE_NAME)
            if not roles & SECOND_FACTOR_ROLES or devices.exists():
                continue
            TOTPDevice.objects.create(user=user, name=otp.DEMO_DEVICE_NAME, key=agreements_demo.DEMO_TOTP_KEY,
                                      confirmed=True)


def load() -> list[DemoAccount]:
    province_pemda, province = load_province()
    regency_pemda, regency = load_regency()
    platform = load_platform_operator()
    for module in APP_DEMOS:
        with tenant_scope(province_pemda), transaction.atomic():
            module.load(province_pemda)
    for pemda in (province_pemda, regency_pemda):
        with tenant_scope(pemda), transaction.atomic():
            year = FiscalYear.objects.filter(year=2025).exclude(state=FiscalYear.State.CLOSED).first()
            if year is not None:
                actions.fiscal_year_set_state(actor=None, fiscal_year=year, state=FiscalYear.State.CLOSED)
            # Both demo Pemda have run 2025 and signed their 2026 PKs: they are past setup, and
            # their admins land on Beranda, not on the checklist for the year being planned.
            pemda_setup_done(actor=None, pemda=pemda)
    accounts = province + regency + [platform]
    _demo_authenticators(accounts)
    return accounts
