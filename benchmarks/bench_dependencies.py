"""Benchmark of the dependency analysis (nyata.projects.analysis.propagate).

Run from the repository root:  PYTHONPATH=. .venv/bin/python benchmarks/bench_dependencies.py

Synthetic Pemda: 10,000 items (milestones) owned by 45 agencies, 30,000 links, 10 % of the
items late and 20 % done. Two shapes:
* random: each link joins two random items (upstream has the lower index: a DAG);
* chains: each link points 1–40 items ahead, so reach is long (worst case for the sets).
Timed: cycle check + topological order + downstream sets + per-item and per-agency harm +
ranking (the whole of `propagate`), and separately decoding every late item's downstream list.
Target: <= 1 s for the analysis.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time

from nyata.projects.analysis import propagate

N_ITEMS, N_LINKS, N_AGENCIES = 10_000, 30_000, 45


def make(shape: str, seed: int = 1) -> tuple[list[int], list[tuple[int, int]], list[int], list[int]]:
    rng = random.Random(seed)
    owners = [rng.randrange(N_AGENCIES) for _ in range(N_ITEMS)]
    edges: set[tuple[int, int]] = set()
    while len(edges) < N_LINKS:
        if shape == "random":
            a, b = rng.randrange(N_ITEMS), rng.randrange(N_ITEMS)
            if a == b:
                continue
            edges.add((min(a, b), max(a, b)))
        else:
            a = rng.randrange(N_ITEMS - 1)
            b = min(N_ITEMS - 1, a + rng.randint(1, 40))
            edges.add((a, b))
    items = list(range(N_ITEMS))
    rng.shuffle(items)
    late, done = items[: N_ITEMS // 10], items[N_ITEMS // 10: N_ITEMS * 3 // 10]
    shuffled = list(edges)
    rng.shuffle(shuffled)
    return owners, shuffled, late, done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}; "
          f"{N_ITEMS} items, {N_LINKS} links, {N_AGENCIES} agencies")
    for shape in ("random", "chains"):
        owners, edges, late, done = make(shape)
        times, decode = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = propagate(owners, edges, late, done)
            ranking = result.ranking()
            t1 = time.perf_counter()
            total = sum(len(result.downstream(i)) for i in result.late)
            t2 = time.perf_counter()
            times.append(t1 - t0)
            decode.append(t2 - t1)
        print(f"{shape:7s} analysis median {statistics.median(times):.3f} s "
              f"(max {max(times):.3f}); decode all at-risk lists {statistics.median(decode):.3f} s; "
              f"{total} at-risk pairs; top agency harm {ranking[0][1]}")
        assert max(times) <= 1.0, "dependency analysis slower than 1 s"


if __name__ == "__main__":
    main()
