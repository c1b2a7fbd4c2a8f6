"""Known answers for the LKE scoring (domain.md §4), written by hand from domain.md's tables.

§4.1: weights 30/30/15/25, each split 20/30/50 % → Perencanaan 6/9/15, Pelaporan 3/4,5/7,5,
Evaluasi 5/7,5/12,5. §4.4: bands "> x – y", exclusive at the lower end (90,00 → A, 90,01 → AA).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from nyata.scoring.evaluation import (
    LKE_88_2021_BANDS,
    LKE_88_2021_SCALE,
    AnswerError,
    Component,
    Criterion,
    GradeBand,
    Letter,
    SubComponent,
    Template,
    TemplateError,
    grade,
    score,
    validate,
)


def _sub(comp: str, code: str, share: str, n: int = 2) -> SubComponent:
    crits = tuple(Criterion(f"{comp}.{code}.{i}", f"kriteria {i}") for i in range(1, n + 1))
    return SubComponent(code, code, D(share), crits)


def _comp(code: str, weight: str) -> Component:
    return Component(code, code, D(weight), (
        _sub(code, "pemenuhan", "20"), _sub(code, "kualitas", "30"), _sub(code, "pemanfaatan", "50"),
    ))


def lke(scale: tuple[Letter, ...] = LKE_88_2021_SCALE) -> Template:
    comps = (_comp("perencanaan", "30"), _comp("pengukuran", "30"),
             _comp("pelaporan", "15"), _comp("evaluasi", "25"))
    return Template("PermenPANRB 88/2021", 2025, comps, scale, LKE_88_2021_BANDS)


def everything(t: Template, letter: str) -> dict[str, str]:
    return {c.code: letter for c in t.criteria()}


# ---- grade at every band boundary: just below, at, just above ----------------------------
@pytest.mark.parametrize(("total", "expected"), [
    ("100", "AA"), ("90.01", "AA"), ("90.00", "A"), ("89.99", "A"),
    ("80.01", "A"), ("80", "BB"), ("79.99", "BB"),
    ("70.01", "BB"), ("70", "B"), ("69.99", "B"),
    ("60.01", "B"), ("60", "CC"), ("59.99", "CC"),
    ("50.01", "CC"), ("50", "C"), ("49.99", "C"),
    ("30.01", "C"), ("30", "D"), ("29.99", "D"),
    ("0.01", "D"), ("0", "D"),
])
def test_grade_bands_are_exclusive_at_the_lower_end(total: str, expected: str) -> None:
    assert grade(D(total)).grade == expected


@pytest.mark.parametrize("total", ["-0.01", "100.01"])
def test_a_total_outside_0_to_100_has_no_grade(total: str) -> None:
    with pytest.raises(ValueError, match="tidak masuk predikat"):
        grade(D(total))


def test_the_grade_follows_the_total_printed_with_two_decimals() -> None:
    assert grade(D("90.004")).grade == "A"  # printed 90,00
    assert grade(D("90.005")).grade == "AA"  # printed 90,01


@pytest.mark.parametrize(("value", "expected"), [
    ("90.01", "AA"), ("90", "A"), ("80", "BB"), ("70.01", "BB"), ("30", "D"), ("30.01", "C"),
])
def test_a_worksheet_scored_end_to_end_lands_in_the_right_band(value: str, expected: str) -> None:
    # One letter everywhere → every mean is that letter's value → total = value.
    t = lke(scale=(Letter("X", D(value)), Letter("E", D(0))))
    result = score(t, everything(t, "X"))
    assert result.rounded_total == D(value).quantize(D("0.01"))
    assert result.grade == expected


# ---- components and sub-components from §4.1 ----------------------------------------------
def test_all_aa_scores_each_component_its_full_weight_and_100_in_total() -> None:
    t = lke()
    result = score(t, everything(t, "AA"))
    assert [(c.code, c.score) for c in result.components] == [
        ("perencanaan", D(30)), ("pengukuran", D(30)), ("pelaporan", D(15)), ("evaluasi", D(25)),
    ]
    points = {c.code: [s.points for s in c.subcomponents] for c in result.components}
    assert points["perencanaan"] == [D(6), D(9), D(15)]
    assert points["pelaporan"] == [D(3), D("4.5"), D("7.5")]
    assert points["evaluasi"] == [D(5), D("7.5"), D("12.5")]
    assert result.total == D(100) and result.grade == "AA"


def test_all_e_scores_zero_and_grade_d() -> None:
    t = lke()
    result = score(t, everything(t, "E"))
    assert result.total == D(0) and result.grade == "D"


def test_component_is_the_sum_of_mean_times_sub_component_points() -> None:
    t = lke()
    answers = everything(t, "AA")
    # Perencanaan: Pemenuhan A, A (90) → 6 × 0,9 = 5,4; Kualitas BB, B (mean 75) → 9 × 0,75 = 6,75;
    # Pemanfaatan CC, E (mean 30) → 15 × 0,3 = 4,5. Component = 16,65.
    answers.update({
        "perencanaan.pemenuhan.1": "A", "perencanaan.pemenuhan.2": "A",
        "perencanaan.kualitas.1": "BB", "perencanaan.kualitas.2": "B",
        "perencanaan.pemanfaatan.1": "CC", "perencanaan.pemanfaatan.2": "E",
    })
    result = score(t, answers)
    plan = result.components[0]
    assert [s.score for s in plan.subcomponents] == [D("5.4"), D("6.75"), D("4.5")]
    assert plan.score == D("16.65")
    # the other three components stay at full weight: 30 + 15 + 25 = 70
    assert result.total == D("86.65") and result.grade == "A"
    assert plan.subcomponents[1].criteria[1].letter == "B"
    assert plan.subcomponents[1].criteria[1].value == D(70)


def test_criterion_weights_make_a_weighted_mean() -> None:
    t = lke()
    comp = t.components[0]
    sub = comp.subcomponents[0]
    heavy = (replace(sub.criteria[0], weight=D(3)), sub.criteria[1])
    comps = (replace(comp, subcomponents=(replace(sub, criteria=heavy), *comp.subcomponents[1:])),
             *t.components[1:])
    t = replace(t, components=comps)
    answers = everything(t, "AA") | {"perencanaan.pemenuhan.2": "E"}
    sub_score = score(t, answers).components[0].subcomponents[0]
    assert sub_score.mean == D(75) and sub_score.score == D("4.5")  # (3×100 + 0) / 4 × 6


# ---- answers that cannot be scored -----------------------------------------------------
def test_unknown_letter_unknown_criterion_and_missing_answers_are_all_named() -> None:
    t = lke()
    answers = everything(t, "A")
    del answers["pelaporan.kualitas.2"]
    answers["perencanaan.pemenuhan.1"] = "Z"
    answers["tidak.ada"] = "A"
    with pytest.raises(AnswerError) as err:
        score(t, answers)
    assert {(p.code, p.where) for p in err.value.problems} == {
        ("missing_answer", "kriteria pelaporan.kualitas.2"),
        ("unknown_letter", "kriteria perencanaan.pemenuhan.1"),
        ("unknown_criterion", "kriteria tidak.ada"),
    }


def test_a_sub_component_without_criteria_cannot_be_scored() -> None:
    t = lke()
    comp = t.components[2]
    empty = replace(comp.subcomponents[0], criteria=())
    t = replace(t, components=(*t.components[:2], replace(comp, subcomponents=(empty, *comp.subcomponents[1:])),
                               t.components[3]))
    with pytest.raises(AnswerError, match="subkomponen pemenuhan: belum ada kriteria"):
        score(t, everything(t, "A"))


# ---- template validation: each mistake a clear message --------------------------------
def codes(t: Template) -> list[tuple[str, str]]:
    return [(p.code, p.where) for p in validate(t)]


def test_the_88_2021_shape_is_valid() -> None:
    assert validate(lke()) == []


def test_weights_not_summing_to_100() -> None:
    t = lke()
    t = replace(t, components=(replace(t.components[0], weight=D(25)), *t.components[1:]))
    problems = validate(t)
    assert [(p.code, p.message) for p in problems] == [
        ("weights_sum", "jumlah bobot komponen 95, seharusnya 100"),
    ]


def test_sub_weights_not_summing_to_100_percent_name_the_component() -> None:
    t = lke()
    comp = t.components[3]
    subs = (replace(comp.subcomponents[0], share=D("25.5")), *comp.subcomponents[1:])
    t = replace(t, components=(*t.components[:3], replace(comp, subcomponents=subs)))
    [problem] = validate(t)
    assert problem.code == "shares_sum" and problem.where == "komponen evaluasi"
    assert problem.message == "jumlah porsi subkomponen 105,5 %, seharusnya 100 %"
    with pytest.raises(TemplateError, match="komponen evaluasi: jumlah porsi"):
        score(t, everything(t, "A"))


def test_a_letter_without_value() -> None:
    scale = (*LKE_88_2021_SCALE[:2], Letter("BB", None), *LKE_88_2021_SCALE[3:])
    assert codes(lke(scale=scale)) == [("letter_without_value", "jawaban BB")]


def test_a_letter_value_outside_0_100_and_a_duplicate_letter() -> None:
    scale = (Letter("AA", D(101)), Letter("A", D(90)), Letter("A", D(80)))
    assert codes(lke(scale=scale)) == [("duplicate_letter", "jawaban A"), ("letter_value_range", "jawaban AA")]


def test_non_positive_weights_are_refused() -> None:
    t = lke()
    comp = t.components[0]
    subs = (replace(comp.subcomponents[0], share=D(0)), *comp.subcomponents[1:])
    t = replace(t, components=(replace(comp, weight=D(-30), subcomponents=subs), *t.components[1:]))
    assert codes(t) == [
        ("component_weight", "komponen perencanaan"),
        ("subcomponent_share", "komponen perencanaan, subkomponen pemenuhan"),
    ]


def _bands(*changes: tuple[int, GradeBand]) -> tuple[GradeBand, ...]:
    bands = list(LKE_88_2021_BANDS)
    for i, band in changes:
        bands[i] = band
    return tuple(bands)


def test_overlapping_bands() -> None:
    # A made (79 – 90]: overlaps BB (70 – 80].
    t = replace(lke(), bands=_bands((1, GradeBand("A", D(79), D(90)))))
    assert codes(t) == [("band_overlap", "predikat BB dan A")]


def test_a_band_inclusive_at_the_shared_edge_overlaps() -> None:
    # A made [80 – 90]: 80 would be both BB and A.
    t = replace(lke(), bands=_bands((1, GradeBand("A", D(80), D(90), lower_inclusive=True))))
    assert codes(t) == [("band_overlap", "predikat BB dan A")]


def test_gapped_bands() -> None:
    # BB made (70 – 79]: 79,01 … 80 has no grade.
    t = replace(lke(), bands=_bands((2, GradeBand("BB", D(70), D(79)))))
    [problem] = validate(t)
    assert (problem.code, problem.where) == ("band_gap", "predikat BB dan A")
    assert problem.message == "nilai di atas 79 sampai 80 tidak masuk predikat mana pun"


def test_bands_must_cover_0_and_100() -> None:
    bottom_open = _bands((6, GradeBand("D", D(0), D(30))))
    assert codes(replace(lke(), bands=bottom_open)) == [("band_gap", "predikat D")]
    top_short = _bands((0, GradeBand("AA", D(90), D(99))))
    assert codes(replace(lke(), bands=top_short)) == [("band_gap", "predikat AA")]


def test_an_empty_band_is_refused() -> None:
    t = replace(lke(), bands=_bands((0, GradeBand("AA", D(90), D(90)))))
    assert codes(t) == [("band_empty", "predikat AA")]


def test_every_problem_is_listed_at_once() -> None:
    t = lke(scale=(Letter("AA", None),))
    t = replace(t, components=(replace(t.components[0], weight=D(31)), *t.components[1:]),
                bands=_bands((2, GradeBand("BB", D(70), D(79)))))
    assert [p.code for p in validate(t)] == ["weights_sum", "letter_without_value", "band_gap"]


def test_duplicate_codes_are_refused() -> None:
    t = lke()
    t = replace(t, components=(*t.components[:3], replace(t.components[3], code="perencanaan")))
    found = [c for c, _ in codes(t)]
    assert found == ["duplicate_component"]
