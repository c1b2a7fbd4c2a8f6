"""IKM, minimum sample and IID predicates: the regulation's method, boundaries, bad input."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from nyata.products import ikm

# A worked example in the regulation's method (14/2017 annex steps 1–4): four respondents.
# Per-element totals 14,13,12,15,16,12,14,13,11 -> NRR 3.5,3.25,3.0,3.75,4.0,3.0,3.5,3.25,2.75.
WORKED = [
    {"u1": 4, "u2": 4, "u3": 3, "u4": 4, "u5": 4, "u6": 3, "u7": 4, "u8": 4, "u9": 3},
    {"u1": 4, "u2": 3, "u3": 3, "u4": 4, "u5": 4, "u6": 3, "u7": 4, "u8": 3, "u9": 3},
    {"u1": 3, "u2": 3, "u3": 3, "u4": 4, "u5": 4, "u6": 3, "u7": 3, "u8": 3, "u9": 3},
    {"u1": 3, "u2": 3, "u3": 3, "u4": 3, "u5": 4, "u6": 3, "u7": 3, "u8": 3, "u9": 2},
]


def test_worked_example_exact_weights() -> None:
    r = ikm.ikm(WORKED)
    assert r.respondents == 4
    assert [r.nrr[k] for k in ikm.ELEMENT_KEYS] == [
        D("3.5000"), D("3.2500"), D("3.0000"), D("3.7500"), D("4.0000"), D("3.0000"), D("3.5000"),
        D("3.2500"), D("2.7500")]
    # Σ NRR = 30; × 1/9 = 3.3333; × 25 = 83.33 -> B (Baik)
    assert r.index == D("3.3333")
    assert r.ikm == D("83.33")
    assert (r.grade, r.label) == ("B", "Baik")


def test_worked_example_rounded_weights() -> None:
    r = ikm.ikm(WORKED, weighting=ikm.ROUNDED)
    assert r.index == D("3.3000")  # 30 × 0.11
    assert r.ikm == D("82.50")
    assert r.grade == "B"


def test_extremes() -> None:
    all4 = [dict.fromkeys(ikm.ELEMENT_KEYS, 4)]
    all1 = [dict.fromkeys(ikm.ELEMENT_KEYS, 1)]
    assert ikm.ikm(all4).ikm == D("100.00")
    assert ikm.ikm(all4, ikm.ROUNDED).ikm == D("99.00")  # why the exact weight is the default
    assert ikm.ikm(all1).ikm == D("25.00")
    assert ikm.ikm(all1).grade == "D"
    assert ikm.ikm(all1, ikm.ROUNDED).grade == "D"  # 24.75: still D


@pytest.mark.parametrize("value,grade", [
    ("100", "A"), ("88.31", "A"), ("88.305", "A"), ("88.3049", "B"), ("88.30", "B"),
    ("76.61", "B"), ("76.605", "B"), ("76.6049", "C"), ("76.60", "C"),
    ("65.00", "C"), ("64.995", "C"), ("64.9949", "D"), ("64.99", "D"), ("25.00", "D"),
])
def test_grade_boundaries_compare_the_two_decimal_value(value: str, grade: str) -> None:
    assert ikm.grade(D(value))[0] == grade


def test_nrr_is_sum_over_answered() -> None:
    assert ikm.element_nrr([4, None, 3, 2]) == 3  # 9 / 3, the unanswered one left out
    r = ikm.ikm([dict.fromkeys(ikm.ELEMENT_KEYS, 4), {**dict.fromkeys(ikm.ELEMENT_KEYS, 2), "u3": None}])
    assert r.nrr["u3"] == D("4.0000")
    assert r.nrr["u1"] == D("3.0000")


def test_an_element_nobody_answered_gives_no_index() -> None:
    r = ikm.ikm([{**dict.fromkeys(ikm.ELEMENT_KEYS, 3), "u9": None}])
    assert r.ikm is None and r.grade is None


@pytest.mark.parametrize("bad", [0, 5, -1])
def test_answers_outside_the_scale_are_refused(bad: int) -> None:
    with pytest.raises(ikm.IkmInputError):
        ikm.ikm([{**dict.fromkeys(ikm.ELEMENT_KEYS, 3), "u4": bad}])


def test_unknown_element_is_refused() -> None:
    with pytest.raises(ikm.IkmInputError):
        ikm.ikm([{**dict.fromkeys(ikm.ELEMENT_KEYS, 3), "u10": 3}])


def test_impossible_totals_are_refused() -> None:
    with pytest.raises(ikm.IkmInputError):
        ikm.ikm_from_totals({"u1": (9, 2)}, 2)


@pytest.mark.parametrize("population,sample", [
    (10, 10), (50, 44), (100, 80), (500, 217), (1000, 278), (10000, 370), (1_000_000, 384), (None, 384),
])
def test_krejcie_morgan(population: int | None, sample: int) -> None:
    assert ikm.minimum_sample(population) == sample


@pytest.mark.parametrize("value,predicate", [
    ("0", "Tidak Dapat Dinilai"), ("0.01", "Kurang Inovatif"), ("34.99", "Kurang Inovatif"),
    ("35.00", "Inovatif"), ("60.00", "Inovatif"), ("60.004", "Inovatif"), ("60.005", "Sangat Inovatif"),
    ("60.01", "Sangat Inovatif"), ("100", "Sangat Inovatif"),
])
def test_iid_predicates_2024(value: str, predicate: str) -> None:
    assert ikm.iid_predicate(D(value), 2024) == predicate


def test_iid_thresholds_are_per_year_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ikm.IID_PREDICATES, 2026, ikm.IidPredicates(D("65.01"), D("40.01"), "test"))
    assert ikm.iid_predicate(D("38"), 2025) == "Inovatif"  # 2025 falls back to 2024's guidance
    assert ikm.iid_predicate(D("38"), 2026) == "Kurang Inovatif"
    assert ikm.iid_predicate(D("64"), 2027) == "Inovatif"


def test_iid_self_score() -> None:
    keys = [c.key for c in ikm.iid_criteria(2026)]
    assert ikm.iid_self_score({}, 2026) == D("0.00")
    assert ikm.iid_self_score(dict.fromkeys(keys, 3), 2026) == D("100.00")
    with pytest.raises(ikm.IkmInputError):
        ikm.iid_self_score({keys[0]: 4}, 2026)


def test_below_the_minimum_sample_the_value_stands_but_no_grade_is_given() -> None:
    totals = {k: (160, 40) for k in ikm.ELEMENT_KEYS}  # 40 respondents answering 4 everywhere
    short = ikm.ikm_from_totals(totals, 40, minimum=80)
    assert short.ikm == D("100.00") and short.provisional
    assert (short.grade, short.label) == (None, None)
    enough = ikm.ikm_from_totals(totals, 40, minimum=40)
    assert (enough.grade, enough.provisional) == ("A", False)
