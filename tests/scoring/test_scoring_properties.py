"""Property-based tests (hypothesis)."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nyata.scoring import (
    HIGHER,
    LOWER,
    Aggregation,
    LowerFormula,
    Observation,
    Polarity,
    PolarityKind,
    ScoringConfig,
    achievement,
    score_pemda,
    ytd,
)

from .helpers import close, random_rows

SET = settings(max_examples=200, deadline=None)
SET_ENGINE = settings(max_examples=40, deadline=None)
pos = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)
real = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
formulas = st.sampled_from(list(LowerFormula))


@SET
@given(t=st.one_of(pos, st.just(0.0)), r1=real, r2=real, lf=formulas)
def test_achievement_never_falls_when_realisation_improves(
    t: float, r1: float, r2: float, lf: LowerFormula
) -> None:
    lo_r, hi_r = sorted((r1, r2))
    h1, h2 = achievement(t, lo_r, HIGHER)[0], achievement(t, hi_r, HIGHER)[0]
    if t == 0:
        assert h1 is None and h2 is None
    else:
        assert h1 is not None and h2 is not None and h1 <= h2
    # lower is better: the smaller realisation is the improvement
    l1 = achievement(t, lo_r, LOWER, lower_formula=lf)[0]
    l2 = achievement(t, hi_r, LOWER, lower_formula=lf)[0]
    assert l1 is not None and l2 is not None and l1 >= l2


@SET
@given(low=pos, width=st.floats(min_value=0, max_value=1e5), r1=real, r2=real)
def test_range_achievement_improves_towards_the_range(
    low: float, width: float, r1: float, r2: float
) -> None:
    pol = Polarity(PolarityKind.RANGE, low, low + width)
    a, b = sorted((r1, r2))
    va, vb = achievement(None, a, pol)[0], achievement(None, b, pol)[0]
    assert va is not None and vb is not None
    if b <= low:
        assert va <= vb  # moving up towards LOW
    if a >= low + width:
        assert va >= vb  # moving down towards HIGH
    assert max(va, vb) <= 100.0


@SET
@given(t=pos, r=real)
def test_lower_mirrors_higher(t: float, r: float) -> None:
    """For T > 0 and default formulas: lower(R) = max(0, 200 - higher_unfloored(R)),
    i.e. lower(R) + higher(R) = 200 whenever neither is floored (0 <= R <= 2T)."""
    h = achievement(t, r, HIGHER)[0]
    lw = achievement(t, r, LOWER)[0]
    assert h is not None and lw is not None
    assert lw == pytest.approx(max(0.0, 200.0 - r / t * 100.0), rel=1e-9, abs=1e-9)
    if 0 <= r <= 2 * t:
        assert h + lw == pytest.approx(200.0, rel=1e-9, abs=1e-7)


@SET
@given(
    vals=st.lists(st.one_of(st.none(), pos), min_size=1, max_size=4),
    agg=st.sampled_from(list(Aggregation)),
    i=st.integers(0, 3),
    d=pos,
)
def test_ytd_never_falls_when_a_quarter_improves(
    vals: list[float | None], agg: Aggregation, i: int, d: float
) -> None:
    i = i % len(vals)
    v = vals[i]
    if v is None:
        return
    better = list(vals)
    better[i] = v + d
    a, b = ytd(vals, agg), ytd(better, agg)
    assert a is not None and b is not None and b >= a


def _by_key(res_ind: tuple[object, ...]) -> dict[tuple[object, ...], object]:
    return {
        (i.pemda, i.agency, i.indicator, i.year, i.quarter): i  # type: ignore[attr-defined]
        for i in res_ind
    }


@SET_ENGINE
@given(seed=st.integers(0, 10_000), perm=st.randoms(use_true_random=False))
def test_scores_invariant_to_row_order(seed: int, perm: random.Random) -> None:
    rows = random_rows(seed, n_pemda=1, n_agency=3, n_ind=3)
    shuffled = list(rows)
    perm.shuffle(shuffled)
    a, b = score_pemda(rows), score_pemda(shuffled)
    ka, kb = _by_key(a.indicators), _by_key(b.indicators)
    assert ka.keys() == kb.keys()
    for k in ka:
        close(ka[k], kb[k], str(k))
    close(a.agencies, b.agencies, "agencies")
    close(a.forecasts, b.forecasts, "forecasts")


def _scale(rows: list[Observation], ind: str, k: float) -> list[Observation]:
    out = []
    for r in rows:
        if r.indicator != ind:
            out.append(r)
            continue
        p = r.polarity
        if p.kind is PolarityKind.RANGE:
            assert p.low is not None and p.high is not None
            p = Polarity(p.kind, p.low * k, p.high * k)
        out.append(
            replace(
                r,
                polarity=p,
                target=None if r.target is None else r.target * k,
                realisation=None if r.realisation is None else r.realisation * k,
                min_value=None if r.min_value is None else r.min_value * k,  # bounds are in the unit too
                max_value=None if r.max_value is None else r.max_value * k,
            )
        )
    return out


@SET_ENGINE
@given(
    seed=st.integers(0, 10_000), j=st.integers(-20, 20), k=st.floats(min_value=1e-3, max_value=1e3)
)
def test_scores_invariant_to_unit_scale(seed: int, j: int, k: float) -> None:
    rows = random_rows(seed, n_pemda=1, n_agency=2, n_ind=3)
    # exact for powers of two (multiplication is exact), approximate for any k > 0
    for factor, exact in ((2.0**j, True), (k, False)):
        base = score_pemda(rows)
        scaled = score_pemda(_scale(rows, "i1", factor))
        for x, y in zip(base.indicators, scaled.indicators, strict=True):
            if exact:
                assert (x.achievement, x.ytd_achievement, x.category, x.flags) == (
                    y.achievement,
                    y.ytd_achievement,
                    y.category,
                    y.flags,
                )
            else:
                for u, v in (
                    (x.achievement, y.achievement),
                    (x.ytd_achievement, y.ytd_achievement),
                ):
                    assert (u is None) == (v is None)
                    if u is not None and v is not None:
                        assert v == pytest.approx(u, rel=1e-9, abs=1e-9)
        for a, b in zip(base.agencies, scaled.agencies, strict=True):
            if exact:
                assert (a.agency, a.score, a.rank) == (b.agency, b.score, b.rank)
            elif a.score is not None and b.score is not None:
                assert b.score == pytest.approx(a.score, rel=1e-9, abs=1e-9)


@SET_ENGINE
@given(seed=st.integers(0, 10_000), cap=st.sampled_from([100.0, 110.0, 120.0]), amb=st.booleans())
def test_cap_never_exceeded(seed: int, cap: float, amb: bool) -> None:
    res = score_pemda(random_rows(seed, n_pemda=1), ScoringConfig(cap=cap, ambition_factor=amb))
    assert res.agencies
    for a in res.agencies:
        if a.score is not None:
            assert 0.0 <= a.score <= cap
        for c in a.breakdown:
            assert c.capped is None or c.capped <= cap


@SET_ENGINE
@given(
    seed=st.integers(0, 10_000),
    scores=st.lists(st.sampled_from([50.0, 75.5, 80.0, 99.0, 120.0]), min_size=1, max_size=12),
)
def test_ranks_form_a_min_ranking(seed: int, scores: list[float]) -> None:
    rows = [
        Observation("P", f"A{i:02d}", "x", 2024, None, 100.0, s, HIGHER)
        for i, s in enumerate(scores)
    ]
    res_sets = [score_pemda(rows), score_pemda(random_rows(seed, n_agency=6))]
    for res in res_sets:
        groups: dict[tuple[object, ...], list[tuple[float, int]]] = defaultdict(list)
        for a in res.agencies:
            if a.score is None:
                assert a.rank is None
                continue
            assert a.rank is not None
            groups[(a.pemda, a.year, a.quarter)].append((round(a.score, 9), a.rank))
        for members in groups.values():
            for s, r in members:
                assert r == 1 + sum(1 for s2, _ in members if s2 > s)
            ranks = sorted(r for _, r in members)
            assert ranks[0] == 1 and max(ranks) <= len(members)


@SET_ENGINE
@given(seed=st.integers(0, 10_000), pick=st.integers(0, 10_000), d=pos)
def test_agency_scores_never_fall_when_a_realisation_improves(
    seed: int, pick: int, d: float
) -> None:
    # without bounds: a value improved past its plausible maximum is left out, by design
    rows = [replace(r, min_value=None, max_value=None) for r in random_rows(seed, n_pemda=1, n_agency=2, n_ind=3)]
    cand = [
        i
        for i, r in enumerate(rows)
        if r.realisation is not None and r.polarity.kind is not PolarityKind.RANGE
    ]
    if not cand:
        return
    i = cand[pick % len(cand)]
    r = rows[i]
    assert r.realisation is not None
    step = d if r.polarity.kind is PolarityKind.HIGHER else -d
    better = list(rows)
    better[i] = replace(r, realisation=r.realisation + step)
    before = {(a.agency, a.year, a.quarter): a.score for a in score_pemda(rows).agencies}
    after = {(a.agency, a.year, a.quarter): a.score for a in score_pemda(better).agencies}
    for k, v in before.items():
        if v is not None:
            w = after[k]
            assert w is not None and w >= v - 1e-9
