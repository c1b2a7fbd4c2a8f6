"""Benchmark of the leaders' dashboard (issue #7) and the coordination-meeting pack.

Run from the repository root (needs PostgreSQL on 127.0.0.1:5432, user root, trust auth):

    PYTHONPATH=. .venv/bin/python benchmarks/bench_dashboard.py [--quick] [--keep]

1. Creates its OWN database `nyata_bench_dashboard` (dropped at the end unless --keep), migrates
   it, and bulk-inserts a national synthetic data set: 550 Pemda (--quick: 40), 45 agencies each
   (the measured Pemda: 50), one signed PK per agency with 15 indicators, verified realisations
   for TW I and TW II 2026 with their versions, and the stored scores (`ScoreSnapshot`, four
   quarters, 15 indicator results each) that `nyata.reporting.scores.recompute` would write.
2. Times the leaders' home page (`GET /dasbor/?periode=2026-2`) for the measured Pemda
   in-process with Django's test client (warm-up, then N requests, server time per request),
   and, in the same run, the bare SQL that fetches the same numbers (scores and ranks of two
   quarters, the report board counts, budget, open corrective actions, critiques, headline
   indicators) through the same connection. Target: p95 <= 150 ms and <= 3x the bare SQL.
   The page body is cached until `queries.fingerprint` changes; the run also times the same page
   with the cache cleared before every request ("cold": every number read and rendered).
3. Times the meeting pack (data + Typst PDF) for the measured Pemda's 50 agencies. Target: <= 15 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = "nyata_bench_dashboard"
BASE_URL = "postgresql://root@127.0.0.1:5432"


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{BASE_URL}/{DB}"
    os.environ.setdefault("NYATA_DATA_DIR", tempfile.mkdtemp(prefix="nyata-bench-dashboard-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "nyata.settings"
    import django

    django.setup()
    from django.conf import settings

    assert settings.DATABASES["default"]["NAME"] == DB, "refusing to run on any database but our own"


def load(n_pemda: int, n_agency: int, measured_agencies: int) -> dict[str, Any]:
    import datetime as dt
    from decimal import Decimal as D

    from django.utils import timezone

    from nyata.agreements.models import Agreement, AgreementIndicator
    from nyata.core.models import Agency, FiscalYear, Membership, Official, Pemda, Position, Quarter, User
    from nyata.core.tenancy import unscoped
    from nyata.planning.models import Goal, Indicator, PlanPeriod
    from nyata.reporting.models import CorrectiveAction, Realisation, ScoreSnapshot, SelfCritique

    rng = random.Random(7)
    now = timezone.now()
    t0 = time.perf_counter()
    counts: dict[str, int] = {}
    cats = ["sangat_tinggi", "tinggi", "sedang", "rendah", "sangat_rendah"]
    with unscoped():
        pemdas = Pemda.objects.bulk_create([Pemda(code=f"{90 + i // 100}.{i:04d}", name=f"Pemda Sintetis {i}",
                                                  kind="kabupaten") for i in range(n_pemda)])
        fys = FiscalYear.objects.bulk_create([FiscalYear(pemda=p, year=2026, state="running") for p in pemdas])
        quarters = []
        for p, fy in zip(pemdas, fys, strict=True):
            for n, (s, e) in enumerate([((1, 1), (3, 31)), ((4, 1), (6, 30)), ((7, 1), (9, 30)), ((10, 1), (12, 31))],
                                       start=1):
                end = dt.date(2026, *e)
                quarters.append(Quarter(pemda=p, fiscal_year=fy, number=n, start=dt.date(2026, *s), end=end,
                                        report_deadline=end + dt.timedelta(days=10)))
        quarters = Quarter.objects.bulk_create(quarters)
        q_of = {(q.pemda_id, q.number): q for q in quarters}
        periods = PlanPeriod.objects.bulk_create([PlanPeriod(pemda=p, name="RPJMD", start_year=2025, end_year=2029)
                                                  for p in pemdas])
        goals = Goal.objects.bulk_create([Goal(pemda=p, period=pp, code="T1", name="Tujuan")
                                          for p, pp in zip(pemdas, periods, strict=True)])
        inds = Indicator.objects.bulk_create([
            Indicator(pemda=p, period=pp, goal=g, code=f"IKU{k:02d}", name=f"Indikator kinerja {k}", unit="persen",
                      polarity="higher_is_better", aggregation="last", is_key=k < 8)
            for p, pp, g in zip(pemdas, periods, goals, strict=True) for k in range(15)])
        ind_of: dict[int, list[Indicator]] = {}
        for i in inds:
            ind_of.setdefault(i.pemda_id, []).append(i)
        agencies = Agency.objects.bulk_create([
            Agency(pemda=p, code=f"OPD{a:02d}", name=f"Perangkat Daerah {a:02d}", abbreviation=f"OPD{a:02d}",
                   kind=["dinas", "badan", "biro", "rsud"][a % 4])
            for i, p in enumerate(pemdas) for a in range(measured_agencies if i == 0 else n_agency)])
        positions = Position.objects.bulk_create([
            Position(pemda_id=a.pemda_id, code=f"KA-{a.code}", name=f"Kepala {a.code}", level="jpt_pratama",
                     agency=a, is_agency_head=True) for a in agencies])
        officials = Official.objects.bulk_create([Official(pemda_id=a.pemda_id, name=f"Pejabat {a.code}")
                                                  for a in agencies])
        agreements = Agreement.objects.bulk_create([
            Agreement(pemda_id=a.pemda_id, kind="pk", year=2026, position=pos, agency=a, first_party=o,
                      status="signed", verification_code=f"B{a.pk:09d}", signing_date=dt.date(2026, 1, 20))
            for a, pos, o in zip(agencies, positions, officials, strict=True)], batch_size=5000)
        counts["agencies"] = len(agencies)
        ais = []
        for ag in agreements:
            for k, ind in enumerate(ind_of[ag.pemda_id]):
                ais.append(AgreementIndicator(
                    pemda_id=ag.pemda_id, agreement=ag, indicator=ind, order=k, objective_text="Sasaran",
                    name=ind.name, unit="persen", polarity="higher_is_better", aggregation="last",
                    annual_target=D(100), q1_target=D(85), q2_target=D(90), q3_target=D(95), q4_target=D(100)))
        ais = AgreementIndicator.objects.bulk_create(ais, batch_size=10000)
        counts["agreement_indicators"] = len(ais)
        reals = []
        for ai in ais:
            for qn in (1, 2):
                v = D(str(round(rng.gauss(82, 14), 2)))
                reals.append(Realisation(pemda_id=ai.pemda_id, agency_id=ai.agreement.agency_id, agreement_indicator=ai,
                                         quarter=q_of[(ai.pemda_id, qn)], status="accepted", value=v, version=2,
                                         submitted_at=now, verified_at=now))
        Realisation.objects.bulk_create(reals, batch_size=10000)
        counts["realisations"] = len(reals)
        del reals
        snaps = []
        by_pemda: dict[int, list[Agency]] = {}
        for a in agencies:
            by_pemda.setdefault(a.pemda_id, []).append(a)
        for p in pemdas:
            for qn in (1, 2, 3, 4):
                scores = [(a, rng.uniform(40, 115) if qn <= 2 else rng.uniform(0, 60)) for a in by_pemda[p.pk]]
                ordered = sorted(scores, key=lambda t: -t[1])
                rank = {a.pk: i + 1 for i, (a, _s) in enumerate(ordered)}
                for a, s in scores:
                    cat = cats[0 if s >= 91 else 1 if s >= 76 else 2 if s >= 66 else 3 if s >= 51 else 4]
                    indicators = [{"indicator": f"IKU{k:02d}", "target": 90.0, "realisation": round(s * 0.9, 2),
                                   "achievement": round(s, 4), "category": cat, "ytd_achievement": round(s, 4),
                                   "ytd_category": cat, "flags": ["no_evidence"] if k == 3 else []}
                                  for k in range(15)]
                    forecasts = [{"indicator": f"IKU{k:02d}", "realisation": 95.0, "achievement": round(s, 2),
                                  "status": "off_track" if s < 60 and k < 2 else "on_track"} for k in range(15)]
                    snaps.append(ScoreSnapshot(pemda_id=p.pk, agency=a, year=2026, quarter=qn, score=s, category=cat,
                                               rank=rank[a.pk], completeness=1.0 if qn <= 2 else 0.0,
                                               indicators=indicators, forecasts=forecasts,
                                               flags=["no_evidence"], computed_at=now))
        ScoreSnapshot.objects.bulk_create(snaps, batch_size=5000)
        counts["score_snapshots"] = len(snaps)
        del snaps
        measured = pemdas[0]
        q2 = q_of[(measured.pk, 2)]
        crits = SelfCritique.objects.bulk_create([
            SelfCritique(pemda=measured, agency=a, quarter=q2, state="submitted", summary="Ringkasan otokritik.")
            for a in by_pemda[measured.pk]])
        CorrectiveAction.objects.bulk_create([
            CorrectiveAction(pemda=measured, critique=c, agency_id=c.agency_id, description="Tindakan perbaikan",
                             owner="Sekretaris", due=dt.date(2026, 9, 30), state="open") for c in crits])
        user = User.objects.create(username="bench.gubernur")
        Membership.objects.create(pemda=measured, user=user, role="leader")
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    counts["load_seconds"] = round(time.perf_counter() - t0, 1)
    return {"pemda": measured, "user": user, "quarter": q2, "prev": q_of[(measured.pk, 1)], "counts": counts}


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, round(p / 100 * (len(xs) - 1))))
    return xs[k]


BARE_SQL = [
    # scores, categories, ranks, completeness and the stored indicator results of two quarters
    """SELECT a.id, a.code, a.name, a.abbreviation, a.kind, s.year, s.quarter, s.score, s.category, s.rank,
              s.completeness, s.indicators, s.forecasts, s.flags
       FROM core_agency a LEFT JOIN reporting_scoresnapshot s
         ON s.agency_id = a.id AND s.pemda_id = %(p)s AND s.year = 2026 AND s.quarter IN (1, 2)
       WHERE a.pemda_id = %(p)s AND a.is_active""",
    # promised: indicators of each agency's current signed PK
    """SELECT ag.agency_id, ag.id, count(ai.id) FROM agreements_agreement ag
       JOIN agreements_agreementindicator ai ON ai.agreement_id = ag.id AND ai.pemda_id = %(p)s
       WHERE ag.pemda_id = %(p)s AND ag.kind = 'pk' AND ag.year = 2026 AND ag.status = 'signed'
       GROUP BY ag.agency_id, ag.id""",
    # delivered: realisations by status (and the latest submission) per agency in the quarter
    """SELECT r.agency_id, r.status, count(*), max(r.submitted_at) FROM reporting_realisation r
       WHERE r.pemda_id = %(p)s AND r.quarter_id = %(q)s GROUP BY r.agency_id, r.status""",
    """SELECT agency_id, sum(spent), sum(ceiling) FROM reporting_budgetrealisation
       WHERE pemda_id = %(p)s AND quarter_id = %(q)s GROUP BY agency_id""",
    """SELECT agency_id, state FROM reporting_selfcritique WHERE pemda_id = %(p)s AND quarter_id = %(q)s""",
    """SELECT c.id, c.description, c.owner, c.due, c.state, a.name FROM reporting_correctiveaction c
       JOIN core_agency a ON a.id = c.agency_id
       WHERE c.pemda_id = %(p)s AND c.state IN ('open', 'in_progress') ORDER BY c.due, c.id LIMIT 15""",
    """SELECT count(*), count(*) FILTER (WHERE due < CURRENT_DATE) FROM reporting_correctiveaction
       WHERE pemda_id = %(p)s AND state IN ('open', 'in_progress')""",
    """SELECT i.code, i.name, t.year, t.value, x.year, x.value FROM planning_indicator i
       LEFT JOIN planning_indicatortarget t ON t.indicator_id = i.id
       LEFT JOIN planning_indicatoractual x ON x.indicator_id = i.id
       WHERE i.pemda_id = %(p)s AND i.agency_id IS NULL AND i.is_key ORDER BY i.code LIMIT 10""",
    """SELECT count(*) FROM dashboard_commitment WHERE pemda_id = %(p)s AND state = 'open'""",
]


def bench_home(ctx: dict[str, Any], n: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    client = Client()
    client.force_login(ctx["user"])
    url = "/dasbor/?periode=2026-2"
    for _ in range(5):
        assert client.get(url).status_code == 200
    view, bare = [], []
    params = {"p": ctx["pemda"].pk, "q": ctx["quarter"].pk}
    for _ in range(n):  # interleaved, so both see the same machine load
        t = time.perf_counter()
        resp = client.get(url)
        view.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200
        t = time.perf_counter()
        with connection.cursor() as cur:
            for sql in BARE_SQL:
                cur.execute(sql, params)
                cur.fetchall()
        bare.append((time.perf_counter() - t) * 1000)
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    cold = []
    for _ in range(max(20, n // 4)):  # the same page with an empty cache: every number read and rendered
        cache.clear()
        t = time.perf_counter()
        assert client.get(url).status_code == 200
        cold.append((time.perf_counter() - t) * 1000)
    with CaptureQueriesContext(connection) as q:
        client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as q_cold:
        client.get(url)
    return {"view_p50": _pct(view, 50), "view_p95": _pct(view, 95), "bare_p50": _pct(bare, 50),
            "bare_p95": _pct(bare, 95), "cold_p50": _pct(cold, 50), "cold_p95": _pct(cold, 95),
            "queries": len(q.captured_queries), "queries_cold": len(q_cold.captured_queries), "n": n,
            "bytes": len(resp.content)}


def bench_pack(ctx: dict[str, Any]) -> dict[str, Any]:
    from nyata.core.models import Agency
    from nyata.core.tenancy import tenant_scope
    from nyata.dashboard import pack, queries

    with tenant_scope(ctx["pemda"]):
        period = queries.Period(2026, 2, ctx["quarter"])
        t = time.perf_counter()
        data = pack.pack_data(ctx["pemda"], period, Agency.objects.filter(is_active=True))
        t_data = time.perf_counter() - t
        pdf = pack.render_pdf(data)
        total = time.perf_counter() - t
    return {"agencies": len(data["agencies"]), "data_s": round(t_data, 2), "total_s": round(total, 2),
            "pdf_bytes": len(pdf)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args(argv)
    n_pemda = 40 if args.quick else 550
    _admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{DB}"')
    try:
        setup_django()
        from django.core.management import call_command

        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        migrate_s = time.perf_counter() - t
        ctx = load(n_pemda, 45, 50)
        home = bench_home(ctx, 60 if args.quick else 200)
        pk = bench_pack(ctx)
        out = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": f"{os.cpu_count()} cores, "
               f"{platform.machine()}, Python {platform.python_version()}", "pemda": n_pemda,
               "migrate_s": round(migrate_s, 1), **ctx["counts"], "home": {k: round(v, 2) if isinstance(v, float)
                                                                           else v for k, v in home.items()},
               "home_ratio_p95": round(home["view_p95"] / home["bare_p95"], 2),
               "home_ratio_p50": round(home["view_p50"] / home["bare_p50"], 2), "pack": pk}
        print(json.dumps(out, indent=2))
        ok = home["view_p95"] <= 150 and pk["total_s"] <= 15
        print("targets: home p95 <= 150 ms:", home["view_p95"] <= 150, "| within 3x bare SQL (p95):",
              out["home_ratio_p95"] <= 3, "| pack <= 15 s:", pk["total_s"] <= 15)
        return 0 if ok else 1
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
