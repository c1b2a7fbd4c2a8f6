"""Benchmark: generate the PK and pact PDFs of every demo official (issue #5: <= 10 s).

Run from the repository root:  PYTHONPATH=. .venv/bin/python benchmarks/bench_agreements.py

Loads the demo (core, planning, agreements) into a fresh SQLite database in a temporary data
folder, then times, for every PK and pact of the 2026 ceremony:
* rendering each document to its own PDF with Typst (the ZIP / per-document path);
* rendering and sealing each one with the Pemda's PAdES seal (the signing path);
* rendering all of them into one merged PDF (the "print everything" path).
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time

TARGET_S = 10.0


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="nyata-bench-agreements-")
    os.environ.update(NYATA_DATA_DIR=tmp, NYATA_DEMO="1", DJANGO_SETTINGS_MODULE="nyata.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from nyata.agreements import demo as agreements_demo
    from nyata.agreements import documents
    from nyata.agreements.models import Agreement
    from nyata.core.tenancy import tenant_scope
    from nyata.demo import loader
    from nyata.documents import seal
    from nyata.planning import demo as planning_demo

    pemda, _ = loader.load_province()
    with tenant_scope(pemda), transaction.atomic():
        planning_demo.load(pemda)
        t0 = time.perf_counter()
        agreements_demo.load(pemda)
        demo_s = time.perf_counter() - t0
    with tenant_scope(pemda):
        docs = list(Agreement.objects.filter(year=2026).select_related("position"))
        officials = {a.first_party_id for a in docs}
        seal.signer()  # load the seal once, as a running server has it
        t0 = time.perf_counter()
        pdfs = [documents.compile_pdf([a]) for a in docs]
        render_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        for a, pdf in zip(docs, pdfs, strict=True):
            seal.seal_pdf(pdf, reason="bench", location=a.place)
        seal_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        merged = documents.compile_pdf(docs, final=True)
        merged_s = time.perf_counter() - t0
    total = render_s + seal_s
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    sizes = f"{min(map(len, pdfs))}–{max(map(len, pdfs))}"
    print(f"{len(docs)} documents ({len(officials)} officials); sizes {sizes} bytes")
    print(f"render each (Typst)          {render_s:6.2f} s  ({render_s / len(docs) * 1000:.0f} ms/doc)")
    print(f"seal each (pyHanko PAdES)    {seal_s:6.2f} s  ({seal_s / len(docs) * 1000:.0f} ms/doc)")
    print(f"render + seal, all           {total:6.2f} s  (target <= {TARGET_S:.0f} s)")
    print(f"one merged PDF ({len(merged)} bytes) {merged_s:6.2f} s")
    print(f"demo load of the agreements app (lock, sign, seal) {demo_s:6.2f} s")
    return 0 if total <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
