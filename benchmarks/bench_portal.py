"""Portal home page speed: gunicorn (2 workers × 4 threads) on a demo SQLite database.

    .venv/bin/python benchmarks/bench_portal.py [--requests 6000] [--concurrency 8]

Loads the demo into a temporary data dir, starts gunicorn on 127.0.0.1, and drives a fixed
number of requests from a small threaded keep-alive client (loopback only; the whole run
stops by itself in well under a minute). Two runs:
- cached: the default LocMemCache; the first request of each worker renders, the rest hit.
- uncached: the same server started with a throwaway settings module that swaps the cache
  for DummyCache, so every request renders the page (sequential, one client).
Prints req/s and p50/p95/p99 latency; record the figures in benchmarks/portal.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"
PATH = "/publik/16/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [str(VENV / "gunicorn"), "nyata.wsgi:application", "--workers", "2", "--threads", "4",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", PATH)
            if c.getresponse().status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


def drive(port: int, total: int, concurrency: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = total // concurrency

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        for _ in range(per_thread):
            t0 = time.perf_counter()
            conn.request("GET", PATH, headers={"Accept-Language": "id"})
            resp = conn.getresponse()
            resp.read()
            mine.append(time.perf_counter() - t0)
            if resp.status != 200:
                raise RuntimeError(f"status {resp.status}")
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies) / (time.perf_counter() - t0), latencies


def report(label: str, rps: float, lat: list[float]) -> str:
    q = statistics.quantiles(lat, n=100)
    line = (f"{label}: {len(lat)} requests, {rps:.0f} req/s, p50 {q[49] * 1000:.1f} ms, "
            f"p95 {q[94] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms")
    print(line)
    return line


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=6000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--uncached-requests", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="nyata-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
        env.update(NYATA_DATA_DIR=tmp, NYATA_DEBUG="0", NYATA_ALLOWED_HOSTS="127.0.0.1,localhost")
        subprocess.run([str(VENV / "nyata"), "demo", "--no-serve"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        print(f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.node()} · {os.cpu_count()} CPUs · "
              f"{platform.processor() or platform.machine()} · Python {platform.python_version()} · "
              f"load average before the run {os.getloadavg()[0]:.1f}")
        port = free_port()
        proc = start(env, port)
        try:
            drive(port, 400, args.concurrency)  # warm both workers' caches
            report("cached", *drive(port, args.requests, args.concurrency))
        finally:
            proc.terminate()
            proc.wait(20)
        (Path(tmp) / "bench_uncached_settings.py").write_text(
            "from nyata.settings import *  # noqa: F403\n"
            "CACHES = {'default': {'BACKEND': 'django.core.cache.backends.dummy.DummyCache'}}\n")
        env2 = {**env, "PYTHONPATH": tmp, "DJANGO_SETTINGS_MODULE": "bench_uncached_settings"}
        port = free_port()
        proc = start(env2, port)
        try:
            drive(port, 20, 1)
            report("uncached (sequential)", *drive(port, args.uncached_requests, 1))
        finally:
            proc.terminate()
            proc.wait(20)


if __name__ == "__main__":
    sys.exit(main())
