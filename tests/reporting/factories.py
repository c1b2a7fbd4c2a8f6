"""A signed PK ready for reporting, for any agency of the test world."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from decimal import Decimal as D
from typing import Any

from nyata.agreements.models import Agreement, AgreementIndicator, AgreementProgram
from nyata.core import actions as core_actions
from nyata.core.models import Agency, FiscalYear, Quarter
from nyata.core.tenancy import tenant_scope
from nyata.planning.models import AgencyObjective, Indicator, PlanPeriod, Program
from nyata.reporting import actions
from nyata.reporting.models import Realisation
from tests.conftest import World

YEAR = 2026


@dataclass
class Pk:
    agency: Agency
    quarters: dict[int, Quarter]
    agreement: Agreement
    indicators: dict[str, AgreementIndicator] = field(default_factory=dict)
    programs: list[AgreementProgram] = field(default_factory=list)

    @property
    def q1(self) -> Quarter:
        return self.quarters[1]


# code, name, unit, polarity, targets q1..q4, annual, aggregation
SPEC = [
    ("I1", "Persentase balita gizi buruk yang ditangani", "persen", "higher_is_better",
     ["90", "91", "92", "93"], "93", "last"),
    ("I2", "Jumlah tenaga kesehatan terlatih", "orang", "higher_is_better", ["50", "50", "50", "50"], "200", "sum"),
    ("I3", "Laju pertumbuhan kasus TBC", "persen", "lower_is_better", ["2", "2", "2", "2"], "2", "last"),
]


def _fiscal_year(pemda: Any) -> dict[int, Quarter]:
    if not FiscalYear.objects.filter(year=YEAR).exists():
        core_actions.fiscal_year_create(actor=None, pemda=pemda, year=YEAR, state="running")
    return {q.number: q for q in Quarter.objects.filter(fiscal_year__year=YEAR).select_related("fiscal_year")}


def _period(pemda: Any) -> PlanPeriod:
    period = PlanPeriod.objects.filter(start_year=2025, end_year=2029).first()
    if period is None:
        period = PlanPeriod.objects.create(pemda=pemda, name="RPJMD Uji", start_year=2025, end_year=2029)
    return period


def signed_pk(world: World, agency: Agency, *, spec: list[Any] | None = None) -> Pk:
    """Build (inside the agency's Pemda scope) a signed PK with three indicators and one program."""
    pemda = agency.pemda
    with tenant_scope(pemda):
        quarters = _fiscal_year(pemda)
        period = _period(pemda)
        obj = AgencyObjective.objects.create(pemda=pemda, period=period, agency=agency, code=f"{agency.code}.S1",
                                             name=f"Sasaran {agency.code}")
        position = world.positions[agency.code]
        official = world.officials[agency.code]
        if not position.is_agency_head:
            position.is_agency_head = True
            position.save(update_fields=["is_agency_head"])
        agreement = Agreement.objects.create(
            pemda=pemda, kind="pk", year=YEAR, position=position, agency=agency, first_party=official,
            status="signed", verification_code=secrets.token_hex(5).upper(), signing_date=dt.date(YEAR, 1, 20),
        )
        pk = Pk(agency, quarters, agreement)
        for order, (code, name, unit, pol, qs, annual, agg) in enumerate(spec or SPEC):
            ind = Indicator.objects.create(pemda=pemda, period=period, agency_objective=obj,
                                           code=f"{agency.code}.{code}", name=name, unit=unit, polarity=pol,
                                           aggregation=agg)
            pk.indicators[code] = AgreementIndicator.objects.create(
                pemda=pemda, agreement=agreement, indicator=ind, order=order, objective_text=obj.name, name=name,
                unit=unit, polarity=pol, aggregation=agg, decimals=2, annual_target=D(annual),
                q1_target=D(qs[0]), q2_target=D(qs[1]), q3_target=D(qs[2]), q4_target=D(qs[3]),
            )
        program = Program.objects.create(pemda=pemda, period=period, agency=agency, code=f"{agency.code}.P1",
                                         name="Program Uji")
        pk.programs.append(AgreementProgram.objects.create(
            pemda=pemda, agreement=agreement, program=program, code=program.code, name=program.name,
            budget=D("1000000000")))
    return pk


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def fill_quarter(world: World, pk: Pk, values: dict[str, str] | None = None) -> dict[str, Realisation]:
    """Draft Q1 values of the PK's indicators as its operator (I3 with a decimal comma)."""
    values = values or {"I1": "91", "I2": "48", "I3": "1,5"}
    op = world.users["agency_operator"]
    out = {}
    for code, v in values.items():
        out[code] = actions.realisation_save_draft(actor=op, agency=pk.agency, quarter_id=pk.q1.pk,
                                                   agreement_indicator_id=pk.indicators[code].pk, value=v,
                                                   narrative=f"narasi {code}")
    return out


def critique_post(pk: Pk, submit: bool, dependency: str = "") -> dict[str, str]:
    """A self-critique form filled in as an agency head would (one row per section)."""
    return {
        "summary": "Dua dari tiga target tercapai.", "submit": "1" if submit else "0",
        "products-count": "1", "products-0-what": "Makanan tambahan balita", "products-0-for_whom": "Balita gizi buruk",
        "products-0-where": "Kab. Banyuasin", "products-0-people": "1.250",
        "gaps-count": "1", "gaps-0-agreement_indicator_id": str(pk.indicators["I2"].pk),
        "gaps-0-description": "Pelatihan tertunda", "gaps-0-size": "2",
        "causes-count": "1", "causes-0-category": "dependency", "causes-0-depends_on_id": dependency,
        "causes-0-text": "Menunggu anggaran BPKAD",
        "actions-count": "1", "actions-0-description": "Percepat pencairan", "actions-0-owner": "Sekretaris Dinas",
        "actions-0-due": "2026-05-15",
    }
