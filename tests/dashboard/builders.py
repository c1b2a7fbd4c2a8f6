"""Scored data for the dashboard tests: signed PKs, verified realisations, stored snapshots."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal as D
from typing import Any

from django.utils import timezone

from nyata.agreements.models import Agreement, AgreementIndicator
from nyata.core.models import Agency, Official, Position
from nyata.core.tenancy import tenant_scope
from nyata.planning.models import AgencyObjective, Indicator
from nyata.reporting.models import Evidence, Realisation, Verification
from nyata.reporting.scores import recompute
from tests.conftest import World
from tests.reporting.factories import YEAR, _fiscal_year, _period

SPEC = [  # code, polarity, aggregation, quarterly targets, annual target
    ("K1", "higher_is_better", "last", ["80", "85", "90", "95"], "95"),
    ("K2", "higher_is_better", "sum", ["25", "25", "25", "25"], "100"),
    ("K3", "lower_is_better", "last", ["10", "9", "8", "7"], "7"),
]


def scored_pemda(w: World, n_extra: int = 0, *, values: dict[str, list[list[str | None]]] | None = None,
                 quarters: int = 2, include_base: bool = True, start: int = 0) -> dict[str, Any]:
    """A1, A2 (+ n_extra new agencies) with signed PKs and accepted realisations; snapshots stored."""
    pemda = w.a
    out: dict[str, Any] = {"ai": {}, "agencies": []}
    with tenant_scope(pemda):
        qs = _fiscal_year(pemda)
        period = _period(pemda)
        gov = Position.objects.get(code="GUB")
        agencies = [w.a1, w.a2] if include_base else []
        for i in range(start, start + n_extra):
            agencies.append(Agency.objects.create(pemda=pemda, code=f"X{i:03d}", name=f"Dinas X{i:03d}", kind="badan"))
        inspector = w.users["inspector"]
        for k, agency in enumerate(agencies):
            pos = Position.objects.filter(agency=agency, is_agency_head=True).first()
            if pos is None:
                pos = Position.objects.create(pemda=pemda, code=f"KA-{agency.code}", name=f"Kepala {agency.code}",
                                              level="jpt_pratama", agency=agency, superior=gov, is_agency_head=True)
            official = Official.objects.create(pemda=pemda, name=f"Pejabat {agency.code} {k}")
            agr = Agreement.objects.create(pemda=pemda, kind="pk", year=YEAR, position=pos, agency=agency,
                                           first_party=official, status="signed",
                                           verification_code=secrets.token_hex(5).upper(),
                                           signing_date=dt.date(YEAR, 1, 20))
            obj = AgencyObjective.objects.create(pemda=pemda, period=period, agency=agency,
                                                 code=f"{agency.code}.S", name=f"Sasaran {agency.code}")
            mine = (values or {}).get(agency.code) or _default_values(k)
            for order, (code, pol, agg, tq, annual) in enumerate(SPEC):
                ind = Indicator.objects.create(pemda=pemda, period=period, agency_objective=obj,
                                               code=f"{agency.code}.{code}", name=f"Indikator {code} {agency.code}",
                                               unit="persen", polarity=pol, aggregation=agg)
                ai = AgreementIndicator.objects.create(
                    pemda=pemda, agreement=agr, indicator=ind, order=order, objective_text=obj.name,
                    name=ind.name, unit="persen", polarity=pol, aggregation=agg, annual_target=D(annual),
                    q1_target=D(tq[0]), q2_target=D(tq[1]), q3_target=D(tq[2]), q4_target=D(tq[3]))
                out["ai"][(agency.code, code)] = ai
                for qn in range(1, quarters + 1):
                    v = mine[order][qn - 1]
                    if v is None:
                        continue
                    r = Realisation.objects.create(
                        pemda=pemda, agency=agency, agreement_indicator=ai, quarter=qs[qn], status="accepted",
                        value=D(v), version=2, submitted_at=timezone.now(), verified_at=timezone.now())
                    Verification.objects.create(pemda=pemda, realisation=r, verdict="accept", value=D(v),
                                                inspector=inspector, at=timezone.now(), comment="sesuai")
                    Evidence.objects.create(pemda=pemda, realisation=r, agency=agency, file="evidence/x",
                                            original_name=f"bukti-{agency.code}-{code}-{qn}.pdf", kind="pdf",
                                            size=10, sha256="0" * 64)
        recompute(pemda, YEAR)
        out["agencies"] = agencies
        out["quarters"] = qs
    return out


def _default_values(k: int) -> list[list[str | None]]:
    base = 60 + (k * 7) % 40
    return [[str(base), str(base + 5), None, None], ["20", str(10 + k % 15), None, None],
            [str(9 + k % 5), "9", None, None]]
