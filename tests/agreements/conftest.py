"""Agreements fixtures: a small plan for agency A1 of Pemda A, signer links and TOTP devices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import TestCase
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nyata.agreements import actions
from nyata.agreements.models import Agreement
from nyata.core import accounts
from nyata.core import actions as core_actions
from nyata.core.models import Assignment, Official
from nyata.core.tenancy import tenant_scope
from nyata.planning.models import (
    AgencyObjective,
    BudgetCeiling,
    Goal,
    Indicator,
    IndicatorTarget,
    Objective,
    PlanPeriod,
    Program,
)
from tests.conftest import World, make_user

# One key per role; tests compute codes with django_otp.oath.totp like an authenticator app.
KEYS = {"agency_head": "3132333435363738393031323334353637383930", "leader": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"}


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Seal and files live in a temporary folder (one demo CA per test session)."""
    base: Path = tmp_path_factory.getbasetemp() / "agreements-data"
    base.mkdir(exist_ok=True)
    settings.DATA_DIR = base
    settings.MEDIA_ROOT = base / "media"
    settings.SEAL_P12 = ""
    settings.PUBLIC_BASE_URL = "https://nyata.example"



@dataclass
class Plan:
    world: World
    indicator: Indicator
    indicator_range: Indicator
    program: Program
    governor: Official
    pk: Agreement
    pakta: Agreement

    def token(self, who: str) -> str:
        return f"{totp(bytes.fromhex(KEYS[who])):06d}"

    def sign_both(self) -> Agreement:
        """The PK locked by the admin and signed by both parties with their codes, sealed after commit."""
        w = self.world
        with tenant_scope(w.a):
            a = actions.agreement_lock(actor=w.users["perf_admin"], agreement=self.pk)
            with TestCase.captureOnCommitCallbacks(execute=True):  # the seal runs after commit
                actions.agreement_sign(actor=w.users["agency_head"], agreement=a, party="first",
                                       otp_token=self.token("agency_head"))
                actions.agreement_sign(actor=w.users["leader"], agreement=a, party="second",
                                       otp_token=self.token("leader"))
            a.refresh_from_db()
            return a


def _plan_for_world(w: World) -> Plan:
    a = w.a
    with tenant_scope(a):
        period = PlanPeriod.objects.create(pemda=a, name="RPJMD Uji 2025–2029", start_year=2025, end_year=2029)
        goal = Goal.objects.create(pemda=a, period=period, code="T1", name="Tujuan uji")
        obj = Objective.objects.create(pemda=a, period=period, goal=goal, code="S1", name="Sasaran uji")
        ao = AgencyObjective.objects.create(pemda=a, period=period, agency=w.a1, code="A1.S1",
                                            name="Meningkatnya layanan Dinas Satu")
        ao.serves.add(obj, through_defaults={"pemda": a})
        ind = Indicator.objects.create(pemda=a, period=period, agency_objective=ao, code="A1.I1",
                                       name="Persentase layanan tepat waktu", unit="persen",
                                       aggregation="last", baseline_value=Decimal("70"))
        IndicatorTarget.objects.create(pemda=a, indicator=ind, year=2026, value=Decimal("80"))
        ind2 = Indicator.objects.create(pemda=a, period=period, agency_objective=ao, code="A1.I2",
                                        name="Jumlah kasus ditangani", unit="kasus", aggregation="sum",
                                        polarity="range", decimals=0)
        IndicatorTarget.objects.create(pemda=a, indicator=ind2, year=2026, value=Decimal("100"),
                                       value_high=Decimal("120"))
        prog = Program.objects.create(pemda=a, period=period, agency=w.a1, code="1.02.01",
                                      name="Program Penunjang Urusan Pemerintahan Daerah")
        BudgetCeiling.objects.create(pemda=a, program=prog, year=2026, amount=Decimal("1250000000"))
        gov_pos = w.positions["A1"].superior
        governor = core_actions.record_save(actor=None, obj=Official(pemda=a, name="Gubernur Uji"))
        core_actions.assignment_save(actor=None, assignment=Assignment(pemda=a, official=governor, position=gov_pos,
                                                            start=dt.date(2025, 1, 1)))
        accounts.account_link_official(actor=None, pemda=a, user=w.users["agency_head"], official=w.officials["A1"])
        accounts.account_link_official(actor=None, pemda=a, user=w.users["leader"], official=governor)
        for role, key in KEYS.items():
            TOTPDevice.objects.create(user=w.users[role], name="uji", key=key, confirmed=True)
        made = actions.agreements_generate(actor=None, pemda=a, year=2026, signing_date=dt.date(2026, 1, 21),
                                           place="Palembang", positions=[w.positions["A1"]])
        pk = next(x for x in made if x.kind == "pk")
        pakta = next(x for x in made if x.kind == "pakta")
    return Plan(w, ind, ind2, prog, governor, pk, pakta)


@pytest.fixture
def plan(world: World) -> Iterator[Plan]:
    yield _plan_for_world(world)


@pytest.fixture
def other_user(world: World) -> Any:
    return make_user("stranger")
