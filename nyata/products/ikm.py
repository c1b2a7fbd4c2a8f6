"""Pure computations for citizen satisfaction (IKM) and the regional innovation index (IID).

No Django here: plain numbers in, plain numbers out, so the rules can be tested on
their own and reused by the pages, the API and the open data.

IKM (PermenPANRB 14/2017, docs domain.md §6):
- NRR per element = sum of the answers to that element ÷ number of respondents who answered it.
- Weighted index = Σ NRR × weight; weight is exactly 1/9 by default (the regulation's rounded
  0.11 is an option: it caps a perfect score at 99).
- IKM = weighted index × 25 (scale 25–100).
- Grade: the IKM rounded half-up to two decimals is compared with the bands
  A 88.31–100, B 76.61–88.30, C 65.00–76.60, D 25.00–64.99. Comparing the rounded value is
  what makes the printed bands gap-free: 88.305 prints as 88.31 and is an A; 88.3049 prints
  as 88.30 and is a B. Anything below 65.00 is D (with 0.11 weights the floor is 24.75).

Minimum sample (Krejcie & Morgan, which 14/2017 refers to): a survey with fewer respondents
than its minimum has a *provisional* value and no grade ("sampel belum cukup"); the grade is
given here only, so every page, the API and the open data agree.

    s = X²·N·P(1−P) / (d²·(N−1) + X²·P(1−P)),  X² = 3.841, P = 0.5, d = 0.05,
rounded half-up to a whole respondent (the published table: N=50 → 44, N=100 → 80,
large N → 384).

IID predicates (2023–2024 guidance, domain.md §7) are configuration per year: later
guidance may move the thresholds (one source already uses 40.01 / 65.01).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

ELEMENT_KEYS: tuple[str, ...] = ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")
SCALE = (1, 2, 3, 4)
EXACT = "exact"
ROUNDED = "rounded"
WEIGHTS: dict[str, Fraction] = {EXACT: Fraction(1, 9), ROUNDED: Fraction(11, 100)}
CONVERSION = 25
TWO_PLACES = Decimal("0.01")

# (lower bound of the band on the 2-decimal value, grade, performance label)
IKM_BANDS: tuple[tuple[Decimal, str, str], ...] = (
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("0"), "D", "Tidak Baik"),
)


class IkmInputError(ValueError):
    """An answer outside 1–4 or an unknown element."""


@dataclass(frozen=True)
class IkmResult:
    respondents: int
    nrr: dict[str, Decimal | None]  # per element, full precision shown to 4 places
    index: Decimal | None  # weighted NRR (1–4), 4 places
    ikm: Decimal | None  # 25–100, rounded half-up to 2 places
    grade: str | None
    label: str | None
    provisional: bool = False  # fewer respondents than the minimum sample: a value, no grade


def _round(value: Fraction, places: str) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def element_nrr(answers: Sequence[int | None]) -> Fraction | None:
    """Mean of the answers given to one element; unanswered (None) ones are left out."""
    given = [a for a in answers if a is not None]
    for a in given:
        if a not in SCALE:
            raise IkmInputError(f"answer {a!r} is outside the 1–4 scale")
    if not given:
        return None
    return Fraction(sum(given), len(given))


Bands = Sequence[tuple[Decimal, str, str]]


def bands_from(a_from: Decimal, b_from: Decimal, c_from: Decimal) -> tuple[tuple[Decimal, str, str], ...]:
    """A Pemda's own lower bounds of grades A, B and C, with the regulation's labels."""
    return ((a_from, "A", IKM_BANDS[0][2]), (b_from, "B", IKM_BANDS[1][2]), (c_from, "C", IKM_BANDS[2][2]),
            IKM_BANDS[3])


def grade(ikm: Decimal, bands: Bands = IKM_BANDS) -> tuple[str, str]:
    """The grade and label of an IKM value (compared after rounding to two decimals)."""
    value = ikm.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    for lower, letter, label in bands:
        if value >= lower:
            return letter, label
    return "D", "Tidak Baik"  # pragma: no cover - the last band starts at 0


def ikm_from_totals(
    totals: Mapping[str, tuple[int, int]], respondents: int, weighting: str = EXACT, bands: Bands = IKM_BANDS,
    minimum: int = 0,
) -> IkmResult:
    """IKM from per-element (sum of answers, number answered): what one SQL aggregate gives.

    `minimum` is the survey's minimum sample: below it the value is provisional and ungraded."""
    if weighting not in WEIGHTS:
        raise IkmInputError(f"unknown weighting {weighting!r}")
    nrrs: dict[str, Fraction | None] = {}
    for key in ELEMENT_KEYS:
        total, answered = totals.get(key, (0, 0))
        if answered and not (answered <= total <= 4 * answered):
            raise IkmInputError(f"element {key}: sum {total} impossible for {answered} answers")
        nrrs[key] = Fraction(total, answered) if answered else None
    shown = {k: (_round(v, "0.0001") if v is not None else None) for k, v in nrrs.items()}
    if any(v is None for v in nrrs.values()):
        # An element nobody answered has no NRR: the index is not defined (weights must sum to 1).
        return IkmResult(respondents, shown, None, None, None, None)
    weight = WEIGHTS[weighting]
    index = sum((v * weight for v in nrrs.values() if v is not None), Fraction(0))
    ikm = _round(index * CONVERSION, "0.01")
    if respondents < minimum:
        return IkmResult(respondents, shown, _round(index, "0.0001"), ikm, None, None, provisional=True)
    letter, label = grade(ikm, bands)
    return IkmResult(respondents, shown, _round(index, "0.0001"), ikm, letter, label)


def ikm(responses: Sequence[Mapping[str, int | None]], weighting: str = EXACT) -> IkmResult:
    """IKM of a list of responses, each {element key: answer 1–4 or None}."""
    for r in responses:
        unknown = set(r) - set(ELEMENT_KEYS)
        if unknown:
            raise IkmInputError(f"unknown element(s) {sorted(unknown)}")
    totals = {}
    for key in ELEMENT_KEYS:
        answers = [r.get(key) for r in responses]
        nrr = element_nrr(answers)  # validates the scale
        given = [a for a in answers if a is not None]
        totals[key] = (sum(given), len(given)) if nrr is not None else (0, 0)
    return ikm_from_totals(totals, len(responses), weighting)


def minimum_sample(population: int | None) -> int:
    """Krejcie–Morgan minimum sample for a population (None: a large population, 384)."""
    chi2, p, d = Decimal("3.841"), Decimal("0.5"), Decimal("0.05")
    if population is None:
        population = 10**9
    if population <= 0:
        return 0
    n = Decimal(population)
    s = chi2 * n * p * (1 - p) / (d * d * (n - 1) + chi2 * p * (1 - p))
    return int(s.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- regional innovation index (IID) -------------------------------------------------------------


@dataclass(frozen=True)
class IidPredicates:
    """Thresholds of one year's guidance (values compared after rounding to two decimals)."""

    very_innovative_from: Decimal  # Sangat Inovatif when value ≥ this
    innovative_from: Decimal  # Inovatif when value ≥ this
    source: str


IID_PREDICATES: dict[int, IidPredicates] = {
    2023: IidPredicates(Decimal("60.01"), Decimal("35.00"), "BSKDN 2023 (domain.md §7)"),
    2024: IidPredicates(Decimal("60.01"), Decimal("35.00"), "IGA 2024 (domain.md §7)"),
}


def iid_predicates(year: int) -> IidPredicates:
    """The year's thresholds; a year without its own guidance uses the latest earlier one."""
    known = sorted(IID_PREDICATES)
    earlier = [y for y in known if y <= year]
    return IID_PREDICATES[earlier[-1] if earlier else known[0]]


def iid_predicate(value: Decimal, year: int, predicates: IidPredicates | None = None) -> str:
    """The predicate of an IID value under the year's guidance (or the Pemda's own thresholds)."""
    v = value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    cfg = predicates or iid_predicates(year)
    if v <= 0:
        return "Tidak Dapat Dinilai"
    if v >= cfg.very_innovative_from:
        return "Sangat Inovatif"
    if v >= cfg.innovative_from:
        return "Inovatif"
    return "Kurang Inovatif"


@dataclass(frozen=True)
class IidCriterion:
    key: str
    label: str
    evidence: str  # the kind of supporting document (bukti dukung) expected


# The innovation-level indicators of the IID profile as published in public IID implementations
# (confidence M, domain.md §7): each is self-assessed on levels 0–3 with evidence per criterion.
# Keyed by year like the predicates; verify against the year's Pedoman Umum IGA before use.
_IID_CRITERIA_2023: tuple[IidCriterion, ...] = (
    IidCriterion("regulasi", "Regulasi inovasi daerah", "SK kepala daerah / perkada penetapan inovasi"),
    IidCriterion("sdm", "Ketersediaan SDM pelaksana inovasi", "SK tim pelaksana inovasi"),
    IidCriterion("anggaran", "Dukungan anggaran", "DPA/RKA yang memuat kegiatan inovasi"),
    IidCriterion("teknologi", "Penggunaan teknologi informasi", "tangkapan layar / tautan aplikasi"),
    IidCriterion("bimtek", "Bimbingan teknis", "undangan, daftar hadir, laporan bimtek"),
    IidCriterion("rkpd", "Program dan kegiatan inovasi dalam RKPD", "dokumen RKPD"),
    IidCriterion("aktor", "Keterlibatan aktor inovasi", "SK/MoU dengan mitra"),
    IidCriterion("sosialisasi", "Sosialisasi inovasi", "publikasi media / dokumentasi"),
    IidCriterion("pedoman", "Pedoman teknis / SOP", "SOP atau petunjuk teknis"),
    IidCriterion("pengaduan", "Penyelesaian layanan pengaduan", "rekap pengaduan dan tindak lanjut"),
    IidCriterion("replikasi", "Replikasi", "surat/perjanjian replikasi"),
    IidCriterion("kemanfaatan", "Kemanfaatan inovasi", "data penerima manfaat"),
    IidCriterion("monev", "Monitoring dan evaluasi", "laporan monitoring dan evaluasi"),
)
IID_CRITERIA: dict[int, tuple[IidCriterion, ...]] = {2023: _IID_CRITERIA_2023, 2024: _IID_CRITERIA_2023}
IID_MAX_LEVEL = 3


def iid_criteria(year: int) -> tuple[IidCriterion, ...]:
    known = sorted(IID_CRITERIA)
    earlier = [y for y in known if y <= year]
    return IID_CRITERIA[earlier[-1] if earlier else known[0]]


def iid_self_score(levels: Mapping[str, int], year: int) -> Decimal:
    """Self-assessment estimate 0–100: points over the maximum for the year's criteria.

    This is Nyata's per-innovation estimate, not the official IID (which Kemendagri computes
    for the whole Pemda from SPD and SID aspects); an unanswered criterion scores 0.
    """
    criteria = iid_criteria(year)
    points = 0
    for c in criteria:
        level = levels.get(c.key, 0)
        if not 0 <= level <= IID_MAX_LEVEL:
            raise IkmInputError(f"criterion {c.key}: level {level} outside 0–{IID_MAX_LEVEL}")
        points += level
    return _round(Fraction(points * 100, len(criteria) * IID_MAX_LEVEL), "0.01")
