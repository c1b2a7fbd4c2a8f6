"""Demo data of the reporting app; called by nyata.demo.loader inside the Pemda's scope.

Illustrative (*ilustratif*) realisations for Q1–Q3 2026, only for indicators of signed PKs, with
a realistic spread: strong and weak agencies, a few late or missing reports, a few returned
items, anomalies the red flags should catch (an outlier jump, values copied across quarters, a
target set too low, accepted values without evidence), budget absorption, and self-critiques
with corrective actions. Every value goes through the same actions as the pages (audited);
submission and verification times are then set back to plausible dates.

Agencies whose PK is not signed yet (KA-DINKES in the agreements demo) get nothing, so the
browser walk-through can report their quarter from scratch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal as D
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from nyata.agreements.models import AgreementIndicator
from nyata.agreements.services import current_agreements, signed_indicators, signed_programs
from nyata.core.models import Agency, Pemda, Quarter
from nyata.reporting import actions
from nyata.reporting.models import Realisation, RealisationVersion, SelfCritique, Status, Verification

YEAR = 2026
BOUNDED = ("persen", "indeks")  # 0–100 scales: a value beyond 100 is refused at entry
PDF = (b"%PDF-1.4\n% Nyata demo: bukti dukung ilustratif\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def _unit(code: str, salt: str) -> float:
    """A stable pseudo-random number in [0, 1) per agency (no global random state)."""
    return int(hashlib.sha256(f"{code}:{salt}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _value(ai: AgreementIndicator, q: int, strength: float, code: str) -> D:
    target = getattr(ai, f"q{q}_target") or ai.annual_target
    lower = ai.polarity == "lower_is_better"
    wobble = 0.96 + 0.08 * _unit(code, f"{ai.pk}:{q}")
    factor = strength * wobble
    value = target * D(str(round((2 - factor) if lower else factor, 4)))
    if ai.unit in BOUNDED:
        value = min(value, D(100))
    return cast("D", max(value, D(0)).quantize(D(1).scaleb(-ai.decimals)))


def load(pemda: Pemda) -> None:
    """Add this app's demo rows for the province (idempotent)."""
    if Realisation.objects.filter(quarter__fiscal_year__year=YEAR).exists():
        return
    today = timezone.localdate()
    quarters = {q.number: q for q in Quarter.objects.filter(fiscal_year__year=YEAR, number__lte=3, start__lte=today)}
    if not quarters:
        return
    agencies = Agency.objects.filter(pk__in=current_agreements(YEAR)).order_by("code")
    for i, agency in enumerate(agencies):
        _agency(agency, i, quarters, today)
    from nyata.reporting import scores

    scores.recompute(pemda, YEAR)


def _agency(agency: Agency, i: int, quarters: dict[int, Quarter], today: dt.date) -> None:
    code = agency.code
    # strong (≈1.05), middling and weak (≈0.6) agencies
    strength = 0.58 + 0.52 * _unit(code, "strength")
    indicators = list(signed_indicators(agency=agency, year=YEAR))
    programs = list(signed_programs(agency=agency, year=YEAR))
    for n, q in sorted(quarters.items()):
        if (i % 11 == 7 and n == 2) or (i % 13 == 4 and n == 3):
            continue  # missing report: not reported after the deadline
        late = i % 6 == 1
        for k, ai in enumerate(indicators):
            value = _value(ai, n, strength, code)
            if i % 17 == 9 and k == 0 and n == 3:
                value = value * 6 if ai.unit not in BOUNDED else value  # an outlier jump
            if i % 19 == 3 and k == 0:
                value = _value(ai, 1, strength, code)  # the same value copied every quarter
            if i % 23 == 11 and k == 0:
                value = value * D("1.8") if ai.unit not in BOUNDED else value  # target set too low
            r = actions.realisation_save_draft(
                actor=None, agency=agency, quarter_id=q.pk, agreement_indicator_id=ai.pk, value=value,
                narrative="Realisasi ilustratif untuk demo.",
            )
            if not (i % 7 == 5 and k == 0):  # a few accepted values without evidence
                actions.evidence_add(actor=None, realisation=r, name=f"bukti-{ai.indicator_id}-tw{n}.pdf", data=PDF)
        if programs:
            spent = {p.pk: (p.budget * D(n) / 4 * D(str(round(0.7 + 0.35 * _unit(code, f"b{n}"), 3)))).quantize(D(1))
                     for p in programs}
            actions.budget_save(actor=None, agency=agency, quarter=q,
                                spent={k: min(v, next(p.budget for p in programs if p.pk == k))
                                       for k, v in spent.items()})
        if n == 3 and i % 10 == 2:
            continue  # Q3 still a draft: not yet submitted
        submitted = actions.realisation_submit(actor=None, agency=agency, quarter=q)
        when = q.report_deadline + dt.timedelta(days=3 + i % 5) if late else q.report_deadline - dt.timedelta(
            days=1 + i % 6)
        Realisation.objects.filter(pk__in=[r.pk for r in submitted]).update(submitted_at=_at(when))
        RealisationVersion.objects.filter(realisation__in=submitted, event="submitted").update(at=_at(when))
        if n == 3 and i % 8 == 3:
            continue  # Q3 submitted, waiting for the inspectorate
        rows = list(Realisation.objects.filter(agency=agency, quarter=q).order_by("agreement_indicator__order"))
        returned = rows[:1] if (i % 9 == 4 and n >= 2) else []
        if returned:
            actions.realisation_verify(actor=None, realisations=returned, verdict="return",
                                       comment="Bukti dukung tidak sesuai periode; unggah laporan triwulan.")
        accepted = [r for r in rows if r not in returned]
        if accepted:
            actions.realisation_verify(actor=None, realisations=accepted, verdict="accept")
        verified_at = _at(when + dt.timedelta(days=4))
        Realisation.objects.filter(pk__in=[r.pk for r in rows]).update(verified_at=verified_at)
        Verification.objects.filter(realisation__in=rows).update(at=verified_at)
        if n <= 2 or i % 3 == 0:
            _critique(agency, q, indicators, strength, i)


def _critique(agency: Agency, q: Quarter, indicators: list[Any], strength: float, i: int) -> None:
    gaps, causes, todo = [], [], []
    if strength < 0.9 and indicators:
        ai = indicators[0]
        target = getattr(ai, f"q{q.number}_target") or ai.annual_target
        gaps.append({"agreement_indicator_id": ai.pk, "description": f"{ai.name} di bawah target",
                     "size": (target * D(str(round(1 - strength, 3)))).quantize(D("0.01"))})
        others = Agency.objects.exclude(pk=agency.pk).filter(code__in=["BPKAD", "BKD", "BAPPEDA"]).first()
        category = ["budget", "procurement", "staffing", "dependency", "regulation", "external"][i % 6]
        if category == "dependency" and others is None:
            category = "budget"
        causes.append({"category": category, "depends_on_id": others.pk if category == "dependency" and others
                       else None, "text": "Uraian akar masalah (ilustratif)."})
        todo.append({"description": "Percepat pelaksanaan kegiatan yang tertunda (ilustratif)",
                     "owner": "Sekretaris " + (agency.abbreviation or agency.code),
                     "due": q.end + dt.timedelta(days=45 + 15 * (i % 3))})
    products = [{"what": "Layanan publik yang diserahkan (ilustratif)", "for_whom": "Warga Sumatera Selatan",
                 "where": "Kabupaten/kota se-Sumatera Selatan", "people": 500 + 137 * (i % 11)}]
    previous = {}
    if q.number > 1:
        from nyata.reporting.models import CorrectiveAction

        for ca in CorrectiveAction.objects.filter(agency=agency).exclude(critique__quarter=q):
            previous[ca.pk] = ("done" if i % 2 else "in_progress", "Status dari demo (ilustratif)")
    sc = actions.self_critique_save(
        actor=None, agency=agency, quarter=q, summary="Otokritik ilustratif untuk demo.",
        data={"products": products, "gaps": gaps, "causes": causes, "actions": todo}, previous=previous,
        submit=True, illustrative=True,
    )
    SelfCritique.objects.filter(pk=sc.pk).update(submitted_at=_at(q.report_deadline))


__all__ = ["Status"]
