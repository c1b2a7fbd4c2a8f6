"""Merit ratings under PermenPANRB 6/2022 (domain.md §8): pure rules, no Django.

Four rules live here, once:

- ``org_predicate``: a unit's score → the predicate of organisational performance, by bands;
- ``work_result``: an official's PK achievement → the work-result rating (*rating hasil kerja*);
- ``individual_predicate``: work-result rating × behaviour rating (*rating perilaku*) → the
  employee's predicate, by a matrix;
- ``check_distribution``: whether a unit's individual predicates fit the pattern its
  organisational predicate allows (the *kurva distribusi*).

Every threshold is configuration (``MeritConfig``), because two of the defaults have no source
(the bands are Nyata's assumption) and the matrix is marked low-confidence in domain.md. The
defaults and their confidence are documented in docs/scoring.md ("Merit ratings").

Shares are compared exactly in integers (``count × 100`` against ``percent × total``), so 7 of 10
is exactly 70 % and passes "at most 70 %", while 71 of 100 does not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class OrgPredicate(StrEnum):
    """Predicate of organisational performance (domain.md §8, conf. H)."""

    ISTIMEWA = "istimewa"
    BAIK = "baik"
    BUTUH_PERBAIKAN = "butuh_perbaikan"
    KURANG = "kurang"
    SANGAT_KURANG = "sangat_kurang"


class Predicate(StrEnum):
    """Predicate of an employee's performance (domain.md §8, conf. H)."""

    SANGAT_BAIK = "sangat_baik"
    BAIK = "baik"
    BUTUH_PERBAIKAN = "butuh_perbaikan"
    KURANG = "kurang"  # Kurang/Misconduct
    SANGAT_KURANG = "sangat_kurang"


class Rating(StrEnum):
    """A work-result or behaviour rating: above, meeting or below expectations."""

    ABOVE = "above"  # Di Atas Ekspektasi
    MEETING = "meeting"  # Sesuai Ekspektasi
    BELOW = "below"  # Di Bawah Ekspektasi


class MeritConfigError(ValueError):
    """A configuration that cannot be used; the message names the part."""


@dataclass(frozen=True, slots=True)
class Band(Generic[T]):
    """A score at or above ``lower`` (inclusive) maps to ``value``."""

    lower: Decimal
    value: T


def _pick(score: Decimal, bands: tuple[Band[T], ...], last: T) -> T:
    for band in bands:  # ordered highest first (checked by MeritConfig)
        if score >= band.lower:
            return band.value
    return last


@dataclass(frozen=True, slots=True)
class ShareRule:
    """One clause of a distribution pattern, over the share of ``predicates`` in the unit.

    ``at_most`` / ``at_least`` are percentages (inclusive); ``at_least_one`` asks for at least one
    such rating whatever the unit's size ("there must be some Butuh Perbaikan and/or Kurang").
    """

    predicates: frozenset[Predicate]
    at_most: Decimal | None = None
    at_least: Decimal | None = None
    at_least_one: bool = False


@dataclass(frozen=True, slots=True)
class Breach:
    """A clause a unit's distribution breaks: how many of ``total`` hold ``rule.predicates``."""

    rule: ShareRule
    count: int
    total: int

    @property
    def share(self) -> Decimal:
        """The share in percent, for display (the check itself is exact, in integers)."""
        return Decimal(self.count * 100) / Decimal(self.total) if self.total else Decimal(0)


def _ordered(predicates: frozenset[Predicate]) -> list[Predicate]:
    order = list(Predicate)
    return sorted(predicates, key=order.index)


def _d(text: str) -> Decimal:
    return Decimal(text)


_P = Predicate
_O = OrgPredicate
_R = Rating

# Bands for the organisational predicate. No source gives them (domain.md §8 says only that the
# predicate comes from the unit's capaian): conf. L, Nyata's assumption. The four lower edges reuse
# the regional category scale (domain.md A3, conf. M: ≥ 91 Sangat Tinggi, ≥ 76 Tinggi, ≥ 51 Rendah);
# Istimewa ("exceptional") asks for results clearly above target, ≥ 110.
DEFAULT_ORG_BANDS: tuple[Band[OrgPredicate], ...] = (
    Band(_d("110"), _O.ISTIMEWA),
    Band(_d("91"), _O.BAIK),
    Band(_d("76"), _O.BUTUH_PERBAIKAN),
    Band(_d("51"), _O.KURANG),
)
DEFAULT_ORG_FLOOR = _O.SANGAT_KURANG

# Work-result rating proposed from an official's own PK achievement: conf. L, Nyata's assumption,
# the same edges as the organisational bands (≥ 110 above, ≥ 91 meeting), so that a unit head's
# rating read from the unit's score agrees with the unit's predicate.
DEFAULT_WORK_BANDS: tuple[Band[Rating], ...] = (
    Band(_d("110"), _R.ABOVE),
    Band(_d("91"), _R.MEETING),
)
DEFAULT_WORK_FLOOR = _R.BELOW

# domain.md §8's matrix, conf. L ("recollection — verify against the 6/2022 annex"): keys are
# (work result, behaviour).
DEFAULT_MATRIX: Mapping[tuple[Rating, Rating], Predicate] = {
    (_R.ABOVE, _R.ABOVE): _P.SANGAT_BAIK,
    (_R.ABOVE, _R.MEETING): _P.BAIK,
    (_R.ABOVE, _R.BELOW): _P.KURANG,
    (_R.MEETING, _R.ABOVE): _P.BAIK,
    (_R.MEETING, _R.MEETING): _P.BAIK,
    (_R.MEETING, _R.BELOW): _P.KURANG,
    (_R.BELOW, _R.ABOVE): _P.BUTUH_PERBAIKAN,
    (_R.BELOW, _R.MEETING): _P.BUTUH_PERBAIKAN,
    (_R.BELOW, _R.BELOW): _P.SANGAT_KURANG,
}

# domain.md §8's distribution curve, conf. H. Only the numbers are encoded: "most" (Istimewa,
# Baik) adds nothing the maximum does not, and "the rest may hold any other predicate" is no rule.
DEFAULT_PATTERNS: Mapping[OrgPredicate, tuple[ShareRule, ...]] = {
    _O.ISTIMEWA: (ShareRule(frozenset({_P.SANGAT_BAIK}), at_most=_d("70")),),
    _O.BAIK: (
        ShareRule(frozenset({_P.BAIK}), at_most=_d("70")),
        ShareRule(frozenset({_P.BUTUH_PERBAIKAN, _P.KURANG}), at_least_one=True),
    ),
    _O.BUTUH_PERBAIKAN: (
        ShareRule(frozenset({_P.BUTUH_PERBAIKAN}), at_least=_d("60")),
        ShareRule(frozenset({_P.SANGAT_BAIK}), at_most=_d("10")),
    ),
    _O.KURANG: (
        ShareRule(frozenset({_P.KURANG}), at_least=_d("60")),
        ShareRule(frozenset({_P.BUTUH_PERBAIKAN}), at_least=_d("10")),
        ShareRule(frozenset({_P.SANGAT_BAIK}), at_most=_d("10")),
    ),
    _O.SANGAT_KURANG: (
        ShareRule(frozenset({_P.SANGAT_KURANG}), at_least=_d("60")),
        ShareRule(frozenset({_P.KURANG, _P.BUTUH_PERBAIKAN}), at_least=_d("10")),
        ShareRule(frozenset({_P.SANGAT_BAIK}), at_most=_d("0")),
    ),
}


def _check_bands(name: str, bands: tuple[Band[T], ...]) -> None:
    edges = [b.lower for b in bands]
    if any(not e.is_finite() for e in edges):
        raise MeritConfigError(f"{name}: every lower edge must be a number")
    if edges != sorted(edges, reverse=True) or len(set(edges)) != len(edges):
        raise MeritConfigError(f"{name}: lower edges must fall strictly, highest first")


@dataclass(frozen=True)
class MeritConfig:
    """The scales of one Pemda and year; the defaults are documented above and in docs/scoring.md."""

    org_bands: tuple[Band[OrgPredicate], ...] = DEFAULT_ORG_BANDS
    org_floor: OrgPredicate = DEFAULT_ORG_FLOOR
    work_bands: tuple[Band[Rating], ...] = DEFAULT_WORK_BANDS
    work_floor: Rating = DEFAULT_WORK_FLOOR
    matrix: Mapping[tuple[Rating, Rating], Predicate] = field(
        default_factory=lambda: dict(DEFAULT_MATRIX)
    )
    patterns: Mapping[OrgPredicate, tuple[ShareRule, ...]] = field(
        default_factory=lambda: dict(DEFAULT_PATTERNS)
    )

    def __post_init__(self) -> None:
        _check_bands("org_bands", self.org_bands)
        _check_bands("work_bands", self.work_bands)
        missing = [f"{w}/{b}" for w in Rating for b in Rating if (w, b) not in self.matrix]
        if missing:
            raise MeritConfigError(f"matrix: no predicate for {', '.join(missing)}")
        for org, rules in self.patterns.items():
            for rule in rules:
                for limit in (rule.at_most, rule.at_least):
                    if limit is not None and not (Decimal(0) <= limit <= Decimal(100)):
                        raise MeritConfigError(f"patterns.{org}: a share must be 0–100")
                if not rule.predicates:
                    raise MeritConfigError(f"patterns.{org}: a clause names no predicate")

    # ---- storage: plain JSON (strings for numbers, so no float ever touches a threshold) ------
    def to_dict(self) -> dict[str, object]:
        return {
            "org_bands": [[str(b.lower), b.value.value] for b in self.org_bands],
            "org_floor": self.org_floor.value,
            "work_bands": [[str(b.lower), b.value.value] for b in self.work_bands],
            "work_floor": self.work_floor.value,
            "matrix": {f"{w}/{b}": p.value for (w, b), p in self.matrix.items()},
            "patterns": {
                org.value: [
                    {
                        "predicates": [p.value for p in _ordered(r.predicates)],
                        "at_most": None if r.at_most is None else str(r.at_most),
                        "at_least": None if r.at_least is None else str(r.at_least),
                        "at_least_one": r.at_least_one,
                    }
                    for r in rules
                ]
                for org, rules in self.patterns.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> MeritConfig:
        """Read ``to_dict``'s shape; a missing part keeps its default. Raises MeritConfigError."""
        try:
            return _parse(data)
        except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError) as e:
            if isinstance(e, MeritConfigError):
                raise
            raise MeritConfigError(f"unreadable merit configuration: {e}") from None


def _num(v: object) -> Decimal:
    if not isinstance(v, (str, int)) or isinstance(v, bool):
        raise MeritConfigError(f"{v!r} is not a number written as text")
    return Decimal(str(v))


def _parse(data: Mapping[str, object]) -> MeritConfig:
    d = DEFAULT_CONFIG
    org_bands, org_floor, work_bands, work_floor = d.org_bands, d.org_floor, d.work_bands, d.work_floor
    matrix, patterns = d.matrix, d.patterns
    if "org_bands" in data:
        org_bands = tuple(Band(_num(lo), OrgPredicate(v)) for lo, v in _rows(data["org_bands"]))
    if "org_floor" in data:
        org_floor = OrgPredicate(str(data["org_floor"]))
    if "work_bands" in data:
        work_bands = tuple(Band(_num(lo), Rating(v)) for lo, v in _rows(data["work_bands"]))
    if "work_floor" in data:
        work_floor = Rating(str(data["work_floor"]))
    if "matrix" in data:
        raw = data["matrix"]
        if not isinstance(raw, Mapping):
            raise MeritConfigError("matrix must be an object")
        parsed: dict[tuple[Rating, Rating], Predicate] = {}
        for key, value in raw.items():
            w, b = str(key).split("/")
            parsed[(Rating(w), Rating(b))] = Predicate(str(value))
        matrix = parsed
    if "patterns" in data:
        raw = data["patterns"]
        if not isinstance(raw, Mapping):
            raise MeritConfigError("patterns must be an object")
        patterns = {OrgPredicate(str(org)): tuple(_rule(r) for r in _list(rules)) for org, rules in raw.items()}
    return MeritConfig(org_bands=org_bands, org_floor=org_floor, work_bands=work_bands, work_floor=work_floor,
                       matrix=dict(matrix), patterns=dict(patterns))


def _list(v: object) -> list[object]:
    if not isinstance(v, list):
        raise MeritConfigError(f"{v!r} is not a list")
    return v


def _rows(v: object) -> list[tuple[object, str]]:
    rows: list[tuple[object, str]] = []
    for row in _list(v):
        lo, value = _list(row)
        rows.append((lo, str(value)))
    return rows


def _rule(v: object) -> ShareRule:
    if not isinstance(v, Mapping):
        raise MeritConfigError(f"{v!r} is not a clause")
    at_most, at_least = v.get("at_most"), v.get("at_least")
    return ShareRule(
        frozenset(Predicate(str(p)) for p in _list(v["predicates"])),
        at_most=None if at_most is None else _num(at_most),
        at_least=None if at_least is None else _num(at_least),
        at_least_one=bool(v.get("at_least_one", False)),
    )


DEFAULT_CONFIG = MeritConfig()


# ---- the four rules ------------------------------------------------------------------------
def org_predicate(score: Decimal, config: MeritConfig = DEFAULT_CONFIG) -> OrgPredicate:
    """The predicate of a unit whose score (domain.md A4, capped achievements) is ``score``."""
    return _pick(score, config.org_bands, config.org_floor)


def work_result(achievement: Decimal, config: MeritConfig = DEFAULT_CONFIG) -> Rating:
    """The work-result rating proposed from an official's PK achievement (the unit's score for a
    unit head: domain.md §8, "the unit's performance becomes that person's work-result rating")."""
    return _pick(achievement, config.work_bands, config.work_floor)


def individual_predicate(
    work: Rating, behaviour: Rating, config: MeritConfig = DEFAULT_CONFIG
) -> Predicate:
    return config.matrix[(work, behaviour)]


def check_distribution(
    org: OrgPredicate, predicates: Iterable[Predicate], config: MeritConfig = DEFAULT_CONFIG
) -> list[Breach]:
    """The clauses of ``org``'s pattern that the unit's ``predicates`` break (empty: it fits).

    An empty unit breaks nothing: there is no distribution to judge.
    """
    counts = Counter(predicates)
    total = sum(counts.values())
    if total == 0:
        return []
    breaches: list[Breach] = []
    for rule in config.patterns.get(org, ()):
        n = sum(counts[p] for p in rule.predicates)
        ok = True
        if rule.at_most is not None and Decimal(n * 100) > rule.at_most * total:
            ok = False
        if rule.at_least is not None and Decimal(n * 100) < rule.at_least * total:
            ok = False
        if rule.at_least_one and n == 0:
            ok = False
        if not ok:
            breaches.append(Breach(rule, n, total))
    return breaches
