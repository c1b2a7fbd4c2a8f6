"""A unit (agency A1 of Pemda A) with a head and staff, each with a signed PK, and a stored score.

Rows are created directly (the signing flow and the scoring run have their own tests): the
ratings app reads a signed PK and a `ScoreSnapshot`, nothing else.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from decimal import Decimal as D

from django.utils import timezone

from nyata.agreements.models import Agreement, AgreementIndicator
from nyata.core.models import Agency, Official, Position
from nyata.planning.models import AgencyObjective, Indicator, PlanPeriod
from nyata.reporting.models import ScoreSnapshot
from tests.conftest import World

YEAR = 2025


@dataclass
class Unit:
    agency: Agency
    head: Official
    staff: list[Official] = field(default_factory=list)
    snapshot: ScoreSnapshot | None = None


def _pk(agency: Agency, position: Position, official: Official, codes: list[str]) -> Agreement:
    pemda = agency.pemda
    period = PlanPeriod.objects.filter(start_year=2025).first() or PlanPeriod.objects.create(
        pemda=pemda, name="RPJMD Uji", start_year=2025, end_year=2029)
    obj, _ = AgencyObjective.objects.get_or_create(pemda=pemda, period=period, agency=agency,
                                                   code=f"{agency.code}.S", defaults={"name": "Sasaran"})
    agr = Agreement.objects.create(pemda=pemda, kind="pk", year=YEAR, position=position, agency=agency,
                                   first_party=official, status="signed",
                                   verification_code=secrets.token_hex(5).upper(),
                                   signing_date=dt.date(YEAR, 1, 20))
    for order, code in enumerate(codes):
        ind = Indicator.objects.create(pemda=pemda, period=period, agency_objective=obj, code=code,
                                       name=f"Indikator {code}", unit="persen", polarity="higher_is_better",
                                       aggregation="last")
        AgreementIndicator.objects.create(pemda=pemda, agreement=agr, indicator=ind, order=order,
                                          objective_text="Sasaran", name=ind.name, unit="persen",
                                          polarity="higher_is_better", aggregation="last", annual_target=D(100))
    return agr


def build_unit(world: World, *, score: float, staff: list[float]) -> Unit:
    """Call inside `tenant_scope(world.a)`. `staff` gives each staff member's PK achievement."""
    agency = world.a1
    head_pos = world.positions["A1"]
    head = world.officials["A1"]
    _pk(agency, head_pos, head, ["A1.IKU1"])
    unit = Unit(agency, head)
    rows: list[dict[str, object]] = [{"indicator": "A1.IKU1", "ytd_achievement": score}]
    for i, ach in enumerate(staff):
        pos = Position.objects.create(pemda=world.a, code=f"A1-S{i}", name=f"Kepala Seksi {i}", level="pengawas",
                                      agency=agency, superior=head_pos)
        off = Official.objects.create(pemda=world.a, name=f"Staf {i}", nip=f"19900101201501{i:04d}")
        _pk(agency, pos, off, [f"A1.K{i}"])
        rows.append({"indicator": f"A1.K{i}", "ytd_achievement": ach})
        unit.staff.append(off)
    unit.snapshot = ScoreSnapshot.objects.create(pemda=world.a, agency=agency, year=YEAR, quarter=4, score=score,
                                                 indicators=rows, computed_at=timezone.now())
    return unit
