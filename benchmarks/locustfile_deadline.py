"""Deadline day: operators saving quarterly realisations (and some evidence) at a fixed arrival rate.

Open loop: each simulated operator fires its requests on a fixed schedule (BENCH_RATE writes/s
shared by all users) in their own greenlets, whether or not earlier requests have answered, so a
slow server builds a queue instead of slowing the load down. Driven by benchmarks/bench_deadline.py,
which seeds the users and passes BENCH_USERS_FILE, BENCH_RATE, BENCH_EVIDENCE and BENCH_TOKENS_DIR.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, constant, events, task

USERS = json.loads(Path(os.environ["BENCH_USERS_FILE"]).read_text())
RATE = float(os.environ.get("BENCH_RATE", "120"))
EVIDENCE_SHARE = float(os.environ.get("BENCH_EVIDENCE", "0.1"))
N_USERS = int(os.environ.get("BENCH_N_USERS", str(len(USERS))))
TOKENS_DIR = Path(os.environ.get("BENCH_TOKENS_DIR", "."))
PDF = b"%PDF-1.4\n" + b"% bukti dukung benchmark\n" * 200 + b"%%EOF\n"
_slots = itertools.count()
_ok_tokens: list[str] = []
_ok_evidence: list[str] = []


class Operator(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.me = USERS[next(_slots) % len(USERS)]
        self.client.cookies.set("sessionid", self.me["session"])
        self.client.cookies.set("csrftoken", self.me["csrf"])
        self.n = 0
        self.realisations: dict[int, int] = dict(self.me["realisations"])

    def write(self) -> None:
        self.n += 1
        ai = random.choice(self.me["indicators"])
        token = f"u{self.me['user']}-{self.n}"
        if random.random() < EVIDENCE_SHARE:
            self.evidence(ai, token)
            return
        url = f"/api/v1/reporting/agencies/{self.me['agency']}/quarters/{self.me['quarter']}/realisations"
        body = {"agreement_indicator_id": ai, "value": f"{random.uniform(50, 100):.2f}".replace(".", ","),
                "narrative": token}
        with self.client.post(url, json=body, headers={"X-CSRFToken": self.me["csrf"]}, name="save realisation",
                              catch_response=True) as resp:
            if resp.status_code == 200:
                resp.success()
                _ok_tokens.append(token)
            else:
                resp.failure(f"{resp.status_code}: {resp.text[:200]}")

    def evidence(self, ai: int, token: str) -> None:
        pk = self.realisations[ai]
        with self.client.post(f"/laporan/realisasi/{pk}/bukti/", files={"file": (f"{token}.pdf", PDF)},
                              headers={"X-CSRFToken": self.me["csrf"]}, allow_redirects=False,
                              name="upload evidence", catch_response=True) as resp:
            if resp.status_code == 302:
                resp.success()
                _ok_evidence.append(f"{token}.pdf")
            else:
                resp.failure(f"{resp.status_code}")

    @task
    def schedule(self) -> None:
        interval = N_USERS / RATE
        next_t = time.monotonic() + random.random() * interval
        while True:
            delay = next_t - time.monotonic()
            if delay > 0:
                gevent.sleep(delay)
            gevent.spawn(self.write)
            next_t += interval


@events.test_stop.add_listener
def _dump(**_kw: Any) -> None:
    out = TOKENS_DIR / f"ok-{os.getpid()}.json"
    out.write_text(json.dumps({"writes": _ok_tokens, "evidence": _ok_evidence}))
