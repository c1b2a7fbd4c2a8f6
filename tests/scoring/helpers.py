"""Shared helpers for the scoring tests (random data, approximate comparison)."""

from __future__ import annotations

import math
import random
from dataclasses import fields
from typing import Any

from nyata.scoring import Aggregation, Observation, Polarity, PolarityKind

POLS = [
    Polarity(PolarityKind.HIGHER),
    Polarity(PolarityKind.LOWER),
    Polarity(PolarityKind.RANGE, 80.0, 90.0),
    Polarity(PolarityKind.RANGE, 0.0, 5.0),
]


def _val(rnd: random.Random) -> float | None:
    x = rnd.random()
    if x < 0.12:
        return None
    if x < 0.2:
        return 0.0
    if x < 0.25:
        return -rnd.choice([1.0, 5.0])
    if x < 0.45:
        return float(rnd.choice([10, 20, 50, 100]))
    return round(rnd.uniform(0, 200), rnd.choice([0, 2, 6]))


def random_rows(
    seed: int,
    n_pemda: int = 2,
    n_agency: int = 4,
    n_ind: int = 4,
    years: tuple[int, ...] = (2022, 2023, 2024),
) -> list[Observation]:
    rnd = random.Random(seed)
    rows: list[Observation] = []
    for p in range(n_pemda):
        for a in range(n_agency):
            for i in range(n_ind):
                pol = rnd.choice(POLS)
                agg = rnd.choice(list(Aggregation))
                w = rnd.choice([None, None, 2.0, 0.5])
                lo, hi = rnd.choice([(None, None), (None, None), (0.0, 100.0), (None, 150.0)])
                for y in years:
                    if rnd.random() < 0.1:
                        continue
                    mode = rnd.random()
                    cells: list[int | None] = []
                    if mode < 0.2:
                        cells = [None]
                    else:
                        last_q = rnd.choice([1, 2, 3, 4, 4, 4])
                        cells = [q for q in range(1, last_q + 1) if rnd.random() > 0.1]
                        if mode > 0.85:
                            cells.append(None)
                    quarterly_targets = rnd.random() < 0.6
                    for q in cells:
                        t = _val(rnd) if (q is None or quarterly_targets) else None
                        r = _val(rnd)
                        if q is not None and rnd.random() < 0.4 and rows:
                            r = rows[-1].realisation  # copies
                        rows.append(
                            Observation(
                                f"P{p}",
                                f"A{a}",
                                f"i{i}",
                                y,
                                q,
                                t,
                                r,
                                pol,
                                agg,
                                verified=rnd.random() > 0.2,
                                evidence_count=rnd.choice([None, 0, 1, 3]),
                                weight=w,
                                min_value=lo,
                                max_value=hi,
                            )
                        )
    rnd.shuffle(rows)
    return rows


def close(a: Any, b: Any, path: str = "") -> None:
    """Assert two results (dataclasses / tuples / floats) are equal up to 1e-9."""
    if isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), f"{path}: {a} != {b}"
    elif hasattr(a, "__dataclass_fields__"):
        assert type(a) is type(b), path
        for f in fields(a):
            if f.name == "breakdown":
                continue
            close(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, tuple) and not isinstance(a, str) and a and not isinstance(a[0], str):
        assert len(a) == len(b), f"{path}: len {len(a)} != {len(b)}"
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            close(x, y, f"{path}[{k}]")
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"
