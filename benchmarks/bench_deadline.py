"""Deadline-day benchmark: 200 operators saving realisations (and some evidence) at a fixed rate.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, user root, trust auth):

    PYTHONPATH=. .venv/bin/python benchmarks/bench_deadline.py --db pg --rate 130 --duration 300
    PYTHONPATH=. .venv/bin/python benchmarks/bench_deadline.py --db sqlite --rate 130 --duration 300
    PYTHONPATH=. .venv/bin/python benchmarks/bench_deadline.py --db pg --steps 130,150,170,190 --duration 20

What it does: creates its own database (`nyata_bench_deadline`, dropped afterwards; never the
`test` databases) or a fresh SQLite file, migrates, seeds one Pemda with 50 agencies x 4
operators (200 users) and a signed PK of 4 indicators each, logs every operator in (a session
and a CSRF token each), starts gunicorn (2 workers x 8 threads, as in production) pinned to
core 0 (`taskset -c 0`), runs locust headless pinned to core 1 (`taskset -c 1`, open loop: see
locustfile_deadline.py), then checks that every
write locust saw succeed is in the database (lost writes) and prints p50/p95/p99, throughput and
errors. With --steps it runs one bounded run per rate and reports the saturation point (the first
rate not sustained with zero errors and p95 <= 500 ms).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
PG_BASE = "postgresql://root@127.0.0.1:5432"
PG_NAME = "nyata_bench_deadline"
AGENCIES, OPERATORS_PER_AGENCY, INDICATORS = 50, 4, 4


# --- seeding (runs inside Django, in a subprocess) ----------------------------------------------------


def seed(out: Path) -> None:
    import datetime as dt
    import secrets
    from decimal import Decimal as D

    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from nyata.agreements.models import Agreement, AgreementIndicator, AgreementProgram
    from nyata.core import actions
    from nyata.core.models import Agency, Official, Position, Quarter, User
    from nyata.core.tenancy import tenant_scope, unscoped
    from nyata.planning.models import AgencyObjective, Indicator, PlanPeriod, Program
    from nyata.reporting.models import Realisation

    with unscoped():
        pemda = actions.pemda_create(actor=None, code="77", name="Provinsi Bench", kind="provinsi")
    users = []
    with tenant_scope(pemda):
        actions.fiscal_year_create(actor=None, pemda=pemda, year=2026, state="running")
        quarter = Quarter.objects.get(fiscal_year__year=2026, number=3)
        period = PlanPeriod.objects.create(pemda=pemda, name="RPJMD Bench", start_year=2025, end_year=2029)
        gov = Position.objects.create(pemda=pemda, code="GUB", name="Gubernur", level="kepala_daerah")
        for a in range(AGENCIES):
            agency = Agency.objects.create(pemda=pemda, code=f"A{a:02d}", name=f"Dinas {a}", kind="dinas")
            pos = Position.objects.create(pemda=pemda, code=f"KA-{a:02d}", name=f"Kepala {a}", level="jpt_pratama",
                                          agency=agency, superior=gov, is_agency_head=True)
            official = Official.objects.create(pemda=pemda, name=f"Pejabat {a}")
            obj = AgencyObjective.objects.create(pemda=pemda, period=period, agency=agency, code=f"S{a}",
                                                 name="Sasaran")
            ag = Agreement.objects.create(pemda=pemda, kind="pk", year=2026, position=pos, agency=agency,
                                          first_party=official, status="signed",
                                          verification_code=secrets.token_hex(5).upper())
            prog = Program.objects.create(pemda=pemda, period=period, agency=agency, code=f"P{a}", name="Program")
            AgreementProgram.objects.create(pemda=pemda, agreement=ag, program=prog, code=prog.code, name=prog.name,
                                            budget=D(10**9))
            ais, rows = [], {}
            for i in range(INDICATORS):
                ind = Indicator.objects.create(pemda=pemda, period=period, agency_objective=obj, code=f"I{a}.{i}",
                                               name=f"Persentase layanan {i}", unit="persen")
                ai = AgreementIndicator.objects.create(
                    pemda=pemda, agreement=ag, indicator=ind, order=i, objective_text="Sasaran",
                    name=ind.name, unit="persen", polarity="higher_is_better", aggregation="last", decimals=2,
                    annual_target=D(90), q1_target=D(80), q2_target=D(85), q3_target=D(88), q4_target=D(90))
                ais.append(ai.pk)
                rows[ai.pk] = Realisation.objects.create(pemda=pemda, agency=agency, agreement_indicator=ai,
                                                         quarter=quarter).pk
            for o in range(OPERATORS_PER_AGENCY):
                user = User.objects.create(username=f"op{a:02d}.{o}")
                actions.membership_grant(actor=None, pemda=pemda, user=user, role="agency_operator", agency=agency)
                s = SessionStore()
                s[SESSION_KEY] = str(user.pk)
                s[BACKEND_SESSION_KEY] = "nyata.core.auth.MembershipModelBackend"
                s[HASH_SESSION_KEY] = user.get_session_auth_hash()
                s.create()
                users.append({"user": user.pk, "session": s.session_key, "csrf": secrets.token_hex(16),
                              "agency": agency.pk, "quarter": quarter.pk, "indicators": ais,
                              "realisations": [[k, v] for k, v in rows.items()]})
    del dt
    out.write_text(json.dumps(users))


def count(tokens_dir: Path) -> dict[str, Any]:
    import django

    django.setup()
    from nyata.core.tenancy import unscoped
    from nyata.reporting.models import Evidence, RealisationVersion

    ok: list[str] = []
    ok_ev: list[str] = []
    for f in tokens_dir.glob("ok-*.json"):
        data = json.loads(f.read_text())
        ok += data["writes"]
        ok_ev += data["evidence"]
    with unscoped():
        saved = set(RealisationVersion.objects.filter(event="saved").values_list("narrative", flat=True))
        n_versions = RealisationVersion.objects.filter(event="saved").count()
        names = set(Evidence.objects.values_list("original_name", flat=True))
        n_evidence = Evidence.objects.count()
    return {
        "ok_writes": len(ok), "rows_written": n_versions, "lost_writes": len(set(ok) - saved),
        "ok_evidence": len(ok_ev), "evidence_rows": n_evidence, "lost_evidence": len(set(ok_ev) - names),
    }


# --- orchestration ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg(create: bool) -> None:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{PG_NAME}"')


def _env(db: str, data: Path, redis: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "NYATA_REDIS_URL"}}
    env.update(NYATA_DATA_DIR=str(data), NYATA_DEBUG="0", NYATA_LOG_LEVEL="ERROR", PYTHONPATH=str(ROOT),
               DJANGO_SETTINGS_MODULE="nyata.settings")
    if db == "pg":
        env["DATABASE_URL"] = f"{PG_BASE}/{PG_NAME}"
    if redis:
        env["NYATA_REDIS_URL"] = redis
    return env


def _stats(prefix: Path) -> dict[str, Any]:
    with open(f"{prefix}_stats.csv") as f:
        rows = {r["Name"]: r for r in csv.DictReader(f)}
    agg = rows["Aggregated"]
    out = {"requests": int(agg["Request Count"]), "failures": int(agg["Failure Count"]),
           "rps": float(agg["Requests/s"]), "p50": float(agg["50%"]), "p95": float(agg["95%"]),
           "p99": float(agg["99%"])}
    for name in ("save realisation", "upload evidence"):
        if name in rows:
            r = rows[name]
            out[name] = {"requests": int(r["Request Count"]), "failures": int(r["Failure Count"]),
                         "rps": float(r["Requests/s"]), "p50": float(r["50%"]), "p95": float(r["95%"]),
                         "p99": float(r["99%"])}
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open() as f:
            out["failure_kinds"] = [(r["Name"], r["Error"][:120], r["Occurrences"]) for r in csv.DictReader(f)][:5]
    return out


def cpu_model() -> str:
    """The CPU the figures were taken on: absolute numbers do not travel between machines."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn without losing the run: a slow exit is killed, not raised."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def run_once(db: str, rate: float, duration: int, workers: int, evidence: float, threads: int = 1,
             redis: str = "") -> dict[str, Any]:
    data = Path(tempfile.mkdtemp(prefix="nyata-bench-deadline-"))
    if db == "pg":
        _pg(create=True)
    env = _env(db, data, redis)
    server = None
    try:
        subprocess.run([PY, "-m", "nyata", "migrate", "--no-input"], env=env, check=True, stdout=subprocess.DEVNULL)
        users_file = data / "users.json"
        subprocess.run([PY, __file__, "seed", str(users_file)], env=env, check=True)
        port = _free_port()
        server = subprocess.Popen(
            ["taskset", "-c", "0", str(BIN / "gunicorn"), "nyata.wsgi", "-w", str(workers), "--threads", str(threads),
             "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
            env=env, stdout=(data / "server.log").open("w"), stderr=subprocess.STDOUT)
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/masuk/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        tokens = data / "tokens"
        tokens.mkdir()
        lenv = {**env, "BENCH_USERS_FILE": str(users_file), "BENCH_RATE": str(rate),
                "BENCH_EVIDENCE": str(evidence), "BENCH_TOKENS_DIR": str(tokens)}
        prefix = data / "locust"
        subprocess.run(
            ["taskset", "-c", "1", str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile_deadline.py"),
             "--headless", "-u", "200", "-r", "200", "-t", f"{duration}s", "--host", f"http://127.0.0.1:{port}",
             "--csv", str(prefix), "--only-summary", "--stop-timeout", "10"],
            env=lenv, check=False, stdout=subprocess.DEVNULL, stderr=(data / "locust.log").open("w"))
        time.sleep(2)  # let in-flight requests finish before counting
        stats = _stats(prefix)
        counted = json.loads(subprocess.run([PY, __file__, "count", str(tokens)], env=env, check=True,
                                            capture_output=True, text=True).stdout)
        result = {"db": db, "redis": bool(redis), "cpu": cpu_model(), "rate": rate, "duration": duration,
                  "workers": workers, "threads": threads, **stats, **counted}
        if stats["failures"]:
            log = (data / "server.log").read_text(errors="replace").splitlines()
            wanted = ("Error", "waits for", "CONTEXT")
            result["server_log_tail"] = [line for line in log if any(w in line for w in wanted)][-8:]
        return result
    finally:
        if server is not None:
            _stop(server)
        if db == "pg":
            _pg(create=False)
        shutil.rmtree(data, ignore_errors=True)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "seed":
        seed(Path(sys.argv[2]))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "count":
        print(json.dumps(count(Path(sys.argv[2]))))
        return 0
    p = argparse.ArgumentParser()
    p.add_argument("--db", choices=["pg", "sqlite"], default="pg")
    p.add_argument("--rate", type=float, default=130.0, help="target requests/s (writes + evidence)")
    p.add_argument("--duration", type=int, default=300)
    p.add_argument("--quick", action="store_true", help="a 20 s smoke run (make bench --quick)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes on the one server core")
    p.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker (>1: gthread, keep-alive)")
    p.add_argument("--evidence", type=float, default=0.1, help="share of requests that upload evidence")
    p.add_argument("--steps", default="", help="comma-separated rates for a saturation search")
    p.add_argument("--redis", default="", metavar="URL",
                   help="run the server with NYATA_REDIS_URL=URL (Redis cache, cached_db sessions)")
    args = p.parse_args()
    if args.quick:
        args.duration = 20
    if args.duration > 300:
        p.error("bounded runs only: --duration at most 300 s")
    rates = [float(x) for x in args.steps.split(",")] if args.steps else [args.rate]
    for rate in rates:
        r = run_once(args.db, rate, args.duration, args.workers, args.evidence, args.threads, args.redis)
        sustained = r["failures"] == 0 and r["p95"] <= 500 and r["rps"] >= 0.95 * rate and r["lost_writes"] == 0
        r["sustained"] = sustained
        print(json.dumps(r), flush=True)
        if args.steps and not sustained:
            print(f"saturation: first rate not sustained = {rate}/s", flush=True)
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
