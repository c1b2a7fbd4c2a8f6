"""Known answers for the merit rules (domain.md §8), at every band edge and share boundary.

The expected values are written by hand from domain.md, not taken from the module's tables.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from nyata.scoring.merit import (
    DEFAULT_CONFIG,
    Band,
    MeritConfig,
    MeritConfigError,
    OrgPredicate,
    Predicate,
    Rating,
    ShareRule,
    check_distribution,
    individual_predicate,
    org_predicate,
    work_result,
)

Org = OrgPredicate
P = Predicate
R = Rating


# ---- organisational predicate: band edges are inclusive lower bounds ----------------------
@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ("120", Org.ISTIMEWA),
        ("110", Org.ISTIMEWA),
        ("109.99", Org.BAIK),
        ("91", Org.BAIK),
        ("90.99", Org.BUTUH_PERBAIKAN),
        ("76", Org.BUTUH_PERBAIKAN),
        ("75.999", Org.KURANG),
        ("51", Org.KURANG),
        ("50.99", Org.SANGAT_KURANG),
        ("0", Org.SANGAT_KURANG),
    ],
)
def test_org_predicate_band_edges(score: str, expected: OrgPredicate) -> None:
    assert org_predicate(D(score)) == expected


def test_org_bands_are_configuration() -> None:
    config = MeritConfig(org_bands=(Band(D("100"), Org.ISTIMEWA), Band(D("80"), Org.BAIK)))
    assert org_predicate(D("100"), config) == Org.ISTIMEWA
    assert org_predicate(D("99.99"), config) == Org.BAIK
    assert org_predicate(D("79.99"), config) == Org.SANGAT_KURANG  # the floor


# ---- work-result rating from PK achievement ------------------------------------------------
@pytest.mark.parametrize(
    ("achievement", "expected"),
    [("110", R.ABOVE), ("109.99", R.MEETING), ("91", R.MEETING), ("90.99", R.BELOW), ("0", R.BELOW)],
)
def test_work_result_edges(achievement: str, expected: Rating) -> None:
    assert work_result(D(achievement)) == expected


# ---- the matrix (domain.md §8, conf. L), every cell by hand --------------------------------
@pytest.mark.parametrize(
    ("work", "behaviour", "expected"),
    [
        (R.ABOVE, R.ABOVE, P.SANGAT_BAIK),
        (R.ABOVE, R.MEETING, P.BAIK),
        (R.ABOVE, R.BELOW, P.KURANG),
        (R.MEETING, R.ABOVE, P.BAIK),
        (R.MEETING, R.MEETING, P.BAIK),
        (R.MEETING, R.BELOW, P.KURANG),
        (R.BELOW, R.ABOVE, P.BUTUH_PERBAIKAN),
        (R.BELOW, R.MEETING, P.BUTUH_PERBAIKAN),
        (R.BELOW, R.BELOW, P.SANGAT_KURANG),
    ],
)
def test_matrix(work: Rating, behaviour: Rating, expected: Predicate) -> None:
    assert individual_predicate(work, behaviour) == expected


def test_matrix_is_configuration() -> None:
    matrix = dict(DEFAULT_CONFIG.matrix)
    matrix[(R.MEETING, R.MEETING)] = P.BUTUH_PERBAIKAN
    assert individual_predicate(R.MEETING, R.MEETING, MeritConfig(matrix=matrix)) == P.BUTUH_PERBAIKAN


def test_a_matrix_with_a_hole_is_refused() -> None:
    matrix = dict(DEFAULT_CONFIG.matrix)
    del matrix[(R.BELOW, R.ABOVE)]
    with pytest.raises(MeritConfigError, match="below/above"):
        MeritConfig(matrix=matrix)


def test_bands_out_of_order_are_refused() -> None:
    with pytest.raises(MeritConfigError, match="org_bands"):
        MeritConfig(org_bands=(Band(D("80"), Org.BAIK), Band(D("100"), Org.ISTIMEWA)))


# ---- distribution curve --------------------------------------------------------------------
def unit(**counts: int) -> list[Predicate]:
    return [P(name) for name, n in counts.items() for _ in range(n)]


def broken(org: OrgPredicate, preds: list[Predicate]) -> list[tuple[frozenset[Predicate], int, int]]:
    return [(b.rule.predicates, b.count, b.total) for b in check_distribution(org, preds)]


def test_baik_exactly_70_percent_baik_fits() -> None:
    assert broken(Org.BAIK, unit(baik=70, butuh_perbaikan=30)) == []


def test_baik_71_percent_baik_breaks_and_says_which_share() -> None:
    (breach,) = check_distribution(Org.BAIK, unit(baik=71, kurang=29))
    assert breach.rule.predicates == {P.BAIK}
    assert (breach.count, breach.total, breach.share) == (71, 100, D(71))
    assert breach.rule.at_most == D(70)


def test_baik_needs_some_butuh_perbaikan_or_kurang() -> None:
    assert broken(Org.BAIK, unit(baik=7, sangat_baik=3)) == [
        (frozenset({P.BUTUH_PERBAIKAN, P.KURANG}), 0, 10)
    ]
    assert broken(Org.BAIK, unit(baik=7, sangat_baik=2, kurang=1)) == []


def test_istimewa_at_most_70_percent_sangat_baik() -> None:
    assert broken(Org.ISTIMEWA, unit(sangat_baik=7, baik=3)) == []
    assert broken(Org.ISTIMEWA, unit(sangat_baik=71, baik=29)) == [(frozenset({P.SANGAT_BAIK}), 71, 100)]


def test_butuh_perbaikan_at_least_60_and_sangat_baik_at_most_10() -> None:
    assert broken(Org.BUTUH_PERBAIKAN, unit(butuh_perbaikan=6, sangat_baik=1, baik=3)) == []
    assert broken(Org.BUTUH_PERBAIKAN, unit(butuh_perbaikan=59, baik=41)) == [
        (frozenset({P.BUTUH_PERBAIKAN}), 59, 100)
    ]
    assert broken(Org.BUTUH_PERBAIKAN, unit(butuh_perbaikan=60, sangat_baik=11, baik=29)) == [
        (frozenset({P.SANGAT_BAIK}), 11, 100)
    ]


def test_kurang_boundaries() -> None:
    assert broken(Org.KURANG, unit(kurang=6, butuh_perbaikan=1, sangat_baik=1, baik=2)) == []
    assert broken(Org.KURANG, unit(kurang=59, butuh_perbaikan=41)) == [(frozenset({P.KURANG}), 59, 100)]
    assert broken(Org.KURANG, unit(kurang=91, butuh_perbaikan=9)) == [
        (frozenset({P.BUTUH_PERBAIKAN}), 9, 100)
    ]
    assert broken(Org.KURANG, unit(kurang=60, butuh_perbaikan=29, sangat_baik=11)) == [
        (frozenset({P.SANGAT_BAIK}), 11, 100)
    ]


def test_sangat_kurang_boundaries() -> None:
    assert broken(Org.SANGAT_KURANG, unit(sangat_kurang=6, kurang=1, butuh_perbaikan=0, baik=3)) == []
    assert broken(Org.SANGAT_KURANG, unit(sangat_kurang=6, butuh_perbaikan=1, baik=3)) == []
    assert broken(Org.SANGAT_KURANG, unit(sangat_kurang=59, kurang=41)) == [
        (frozenset({P.SANGAT_KURANG}), 59, 100)
    ]
    assert broken(Org.SANGAT_KURANG, unit(sangat_kurang=91, kurang=9)) == [
        (frozenset({P.KURANG, P.BUTUH_PERBAIKAN}), 9, 100)
    ]
    # no Sangat Baik at all: a single one breaks it
    assert broken(Org.SANGAT_KURANG, unit(sangat_kurang=89, kurang=10, sangat_baik=1)) == [
        (frozenset({P.SANGAT_BAIK}), 1, 100)
    ]


def test_share_is_exact_for_thirds() -> None:
    # 2 of 3 = 66.66…% ≥ 60 %; 1 of 3 = 33.3…% < 60 % — no rounding decides it
    assert broken(Org.BUTUH_PERBAIKAN, unit(butuh_perbaikan=2, baik=1)) == []
    assert broken(Org.BUTUH_PERBAIKAN, unit(butuh_perbaikan=1, baik=2)) == [
        (frozenset({P.BUTUH_PERBAIKAN}), 1, 3)
    ]


def test_an_empty_unit_breaks_nothing() -> None:
    assert check_distribution(Org.BAIK, []) == []


# ---- storage round trip --------------------------------------------------------------------
def test_config_round_trips_through_json_shape() -> None:
    custom = MeritConfig(
        org_bands=(Band(D("105.5"), Org.ISTIMEWA), Band(D("90"), Org.BAIK)),
        patterns={Org.BAIK: (ShareRule(frozenset({P.BAIK}), at_most=D("65")),)},
    )
    again = MeritConfig.from_dict(custom.to_dict())
    assert again.to_dict() == custom.to_dict()
    assert org_predicate(D("105.5"), again) == Org.ISTIMEWA
    assert broken(Org.BAIK, unit(baik=66, kurang=34)) == []  # default allows it…
    assert len(check_distribution(Org.BAIK, unit(baik=66, kurang=34), again)) == 1  # …65 % does not


def test_defaults_round_trip() -> None:
    assert MeritConfig.from_dict(DEFAULT_CONFIG.to_dict()) == DEFAULT_CONFIG
    assert MeritConfig.from_dict({}) == DEFAULT_CONFIG


@pytest.mark.parametrize(
    "data",
    [
        {"org_bands": [["abc", "baik"]]},
        {"org_bands": [[90.5, "baik"]]},  # a float threshold is refused: numbers are text
        {"org_floor": "hebat"},
        {"matrix": {"above": "baik"}},
        {"patterns": {"baik": [{"predicates": ["baik"], "at_most": "170"}]}},
        {"patterns": {"baik": [{"predicates": [], "at_most": "70"}]}},
    ],
)
def test_unreadable_config_is_refused(data: dict[str, object]) -> None:
    with pytest.raises(MeritConfigError):
        MeritConfig.from_dict(data)
