"""Scoring of an evidence-based evaluation worksheet (the LKE of PermenPANRB 88/2021): pure, no Django.

A ``Template`` is what an evaluation is made with: components (weights summing to 100), each split
into sub-components (shares of the component summing to 100 %), each holding criteria; an answer
scale (letter → value in percent) and grade bands. ``validate`` lists everything wrong with a
template at once; ``score`` turns one letter per criterion into sub-component, component and total
scores and the grade, keeping every step so the result explains itself down to each criterion.

The rules (domain.md §4, docs/scoring.md §12):

- a sub-component's score = weighted mean of its criteria's values (%) × its points, where its
  points = component weight × share / 100 (Perencanaan 30 × 20 % = 6, domain.md §4.1);
- a component's score = Σ of its sub-components' scores; the total = Σ of the components';
- the grade follows the total rounded to two decimals (the figure an LHE prints), through bands
  whose lower edge is exclusive ("> 90 – 100" → AA: 90.00 is A, 90.01 is AA, domain.md §4.4);
  the lowest band may include its lower edge (0 – 30 → D).

Nothing here knows the IID or the LKE by name: both are templates. Messages are Indonesian, for the
people who fix the template; each ``Problem`` also carries a ``code`` and the place (``where``) so
another front can word it differently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

HUNDRED = Decimal(100)
ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Criterion:
    """One row of the worksheet. ``weight`` is relative to the other criteria of its sub-component."""

    code: str
    text: str
    guidance: str = ""
    evidence: tuple[str, ...] = ()  # required supporting documents (bukti dukung)
    weight: Decimal = Decimal(1)
    note_required: bool = False  # the evaluator must write a note (catatan) with the grade


@dataclass(frozen=True, slots=True)
class SubComponent:
    """``share`` is the percent of the component's weight (Pemenuhan 20, Kualitas 30, Pemanfaatan 50)."""

    code: str
    name: str
    share: Decimal
    criteria: tuple[Criterion, ...] = ()


@dataclass(frozen=True, slots=True)
class Component:
    code: str
    name: str
    weight: Decimal  # points out of the template's 100
    subcomponents: tuple[SubComponent, ...] = ()


@dataclass(frozen=True, slots=True)
class Letter:
    """An answer on the scale; ``value`` in percent (0–100). ``None`` is a letter not yet valued."""

    letter: str
    value: Decimal | None
    label: str = ""


@dataclass(frozen=True, slots=True)
class GradeBand:
    """Totals in (lower, upper] get ``grade``; [lower, upper] when ``lower_inclusive``."""

    grade: str
    lower: Decimal
    upper: Decimal
    label: str = ""
    lower_inclusive: bool = False

    def holds(self, total: Decimal) -> bool:
        above = total >= self.lower if self.lower_inclusive else total > self.lower
        return above and total <= self.upper


@dataclass(frozen=True, slots=True)
class Template:
    regulation: str
    year: int
    components: tuple[Component, ...]
    scale: tuple[Letter, ...]
    bands: tuple[GradeBand, ...]

    def criteria(self) -> list[Criterion]:
        return [c for comp in self.components for sub in comp.subcomponents for c in sub.criteria]

    def letter_values(self) -> dict[str, Decimal]:
        return {entry.letter: entry.value for entry in self.scale if entry.value is not None}


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class TemplateError(ValueError):
    """A template that cannot be used; ``problems`` lists every reason, each naming its place."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class AnswerError(ValueError):
    """Answers that cannot be scored against their template (unknown criterion or letter, missing)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


# ---- the shipped defaults of PermenPANRB 88/2021 (domain.md §4) -------------------------------
# Grade bands: conf. H, six independent implementations agree; lower edges exclusive.
LKE_88_2021_BANDS: tuple[GradeBand, ...] = (
    GradeBand("AA", Decimal(90), HUNDRED, "Sangat Memuaskan"),
    GradeBand("A", Decimal(80), Decimal(90), "Memuaskan"),
    GradeBand("BB", Decimal(70), Decimal(80), "Sangat Baik"),
    GradeBand("B", Decimal(60), Decimal(70), "Baik"),
    GradeBand("CC", Decimal(50), Decimal(60), "Cukup (Memadai)"),
    GradeBand("C", Decimal(30), Decimal(50), "Kurang"),
    GradeBand("D", ZERO, Decimal(30), "Sangat Kurang", lower_inclusive=True),
)

# Letter values: NOT FOUND in any source (domain.md §4.3, conf. L). Nyata's editable default: the
# values domain.md gives as an example (AA 100, A 90, BB 80), continued so that a worksheet answered
# with one letter throughout earns the grade of the same name (C 50 → C, D 30 → D); E is no effort.
LKE_88_2021_SCALE: tuple[Letter, ...] = (
    Letter("AA", HUNDRED),
    Letter("A", Decimal(90)),
    Letter("BB", Decimal(80)),
    Letter("B", Decimal(70)),
    Letter("CC", Decimal(60)),
    Letter("C", Decimal(50)),
    Letter("D", Decimal(30)),
    Letter("E", ZERO),
)


# ---- validation ------------------------------------------------------------------------------
def _fmt(d: Decimal) -> str:
    """85.5 → '85,5' (Indonesian decimal comma), without trailing zeros."""
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _finite(d: Decimal) -> bool:
    return isinstance(d, Decimal) and d.is_finite()


def _duplicates(codes: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    dups: list[str] = []
    for code in codes:
        if code in seen and code not in dups:
            dups.append(code)
        seen.add(code)
    return dups


def validate(template: Template) -> list[Problem]:
    """Every problem of ``template``, in reading order; empty when it can be used."""
    problems: list[Problem] = []
    problems += _check_structure(template)
    problems += _check_scale(template.scale)
    problems += _check_bands(template.bands)
    return problems


def check(template: Template) -> None:
    """Raise ``TemplateError`` with every problem, or return when the template can be used."""
    problems = validate(template)
    if problems:
        raise TemplateError(problems)


def _check_structure(t: Template) -> list[Problem]:
    out: list[Problem] = []
    if not t.components:
        out.append(Problem("no_components", "templat", "tidak ada komponen"))
        return out
    for dup in _duplicates([c.code for c in t.components]):
        out.append(Problem("duplicate_component", f"komponen {dup}", "kode komponen dipakai dua kali"))
    criterion_codes = [c.code for c in t.criteria()]
    for dup in _duplicates(criterion_codes):
        out.append(Problem("duplicate_criterion", f"kriteria {dup}", "kode kriteria dipakai dua kali"))
    weights_ok = True
    for comp in t.components:
        where = f"komponen {comp.code}"
        if not _finite(comp.weight) or comp.weight <= ZERO:
            out.append(Problem("component_weight", where, "bobot harus angka lebih dari 0"))
            weights_ok = False
        out += _check_subcomponents(comp, where)
    if weights_ok:
        total = sum((c.weight for c in t.components), ZERO)
        if total != HUNDRED:
            out.append(Problem(
                "weights_sum", "templat",
                f"jumlah bobot komponen {_fmt(total)}, seharusnya 100",
            ))
    return out


def _check_subcomponents(comp: Component, where: str) -> list[Problem]:
    out: list[Problem] = []
    if not comp.subcomponents:
        out.append(Problem("no_subcomponents", where, "tidak ada subkomponen"))
        return out
    for dup in _duplicates([s.code for s in comp.subcomponents]):
        out.append(Problem("duplicate_subcomponent", f"{where}, subkomponen {dup}",
                           "kode subkomponen dipakai dua kali"))
    shares_ok = True
    for sub in comp.subcomponents:
        sub_where = f"{where}, subkomponen {sub.code}"
        if not _finite(sub.share) or sub.share <= ZERO:
            out.append(Problem("subcomponent_share", sub_where, "porsi harus angka lebih dari 0 %"))
            shares_ok = False
        for crit in sub.criteria:
            if not _finite(crit.weight) or crit.weight <= ZERO:
                out.append(Problem("criterion_weight", f"kriteria {crit.code}",
                                   "bobot kriteria harus angka lebih dari 0"))
            if not crit.text.strip():
                out.append(Problem("criterion_text", f"kriteria {crit.code}", "uraian kriteria kosong"))
    if shares_ok:
        total = sum((s.share for s in comp.subcomponents), ZERO)
        if total != HUNDRED:
            out.append(Problem("shares_sum", where,
                               f"jumlah porsi subkomponen {_fmt(total)} %, seharusnya 100 %"))
    return out


def _check_scale(scale: tuple[Letter, ...]) -> list[Problem]:
    out: list[Problem] = []
    if not scale:
        return [Problem("no_scale", "skala jawaban", "tidak ada huruf jawaban")]
    for dup in _duplicates([entry.letter for entry in scale]):
        out.append(Problem("duplicate_letter", f"jawaban {dup}", "huruf dipakai dua kali"))
    for entry in scale:
        where = f"jawaban {entry.letter}"
        if not entry.letter.strip():
            out.append(Problem("letter_blank", "skala jawaban", "ada huruf jawaban yang kosong"))
        elif entry.value is None:
            out.append(Problem("letter_without_value", where, "huruf tanpa nilai"))
        elif not _finite(entry.value) or not (ZERO <= entry.value <= HUNDRED):
            out.append(Problem("letter_value_range", where, "nilai harus antara 0 dan 100"))
    return out


def _check_bands(bands: tuple[GradeBand, ...]) -> list[Problem]:
    if not bands:
        return [Problem("no_bands", "predikat", "tidak ada rentang predikat")]
    out: list[Problem] = []
    for dup in _duplicates([b.grade for b in bands]):
        out.append(Problem("duplicate_grade", f"predikat {dup}", "predikat dipakai dua kali"))
    usable: list[GradeBand] = []
    for b in bands:
        where = f"predikat {b.grade}"
        if not (_finite(b.lower) and _finite(b.upper)):
            out.append(Problem("band_number", where, "batas rentang harus angka"))
        elif b.lower > b.upper or (b.lower == b.upper and not b.lower_inclusive):
            out.append(Problem("band_empty", where,
                               f"rentang > {_fmt(b.lower)} – {_fmt(b.upper)} tidak memuat nilai apa pun"))
        elif b.lower < ZERO or b.upper > HUNDRED:
            out.append(Problem("band_range", where, "rentang harus di dalam 0–100"))
        else:
            usable.append(b)
    if out:
        return out
    # Lowest first; at the same lower edge an inclusive band starts before an exclusive one.
    ordered = sorted(usable, key=lambda b: (b.lower, not b.lower_inclusive))
    first, last = ordered[0], ordered[-1]
    if first.lower != ZERO or not first.lower_inclusive:
        out.append(Problem("band_gap", f"predikat {first.grade}",
                           "nilai 0 tidak masuk predikat mana pun (rentang terbawah harus mulai dari 0, termasuk 0)"))
    for prev, cur in pairwise(ordered):
        where = f"predikat {prev.grade} dan {cur.grade}"
        if cur.lower < prev.upper or (cur.lower == prev.upper and cur.lower_inclusive):
            out.append(Problem("band_overlap", where,
                               f"rentang bertumpang tindih di sekitar {_fmt(cur.lower)}"))
        elif cur.lower > prev.upper:
            out.append(Problem("band_gap", where,
                               f"nilai di atas {_fmt(prev.upper)} sampai {_fmt(cur.lower)} "
                               "tidak masuk predikat mana pun"))
    if last.upper != HUNDRED:
        out.append(Problem("band_gap", f"predikat {last.grade}",
                           f"nilai di atas {_fmt(last.upper)} sampai 100 tidak masuk predikat mana pun"))
    return out


# ---- scoring ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CriterionScore:
    code: str
    letter: str
    value: Decimal  # percent, from the scale
    weight: Decimal


@dataclass(frozen=True, slots=True)
class SubComponentScore:
    code: str
    points: Decimal  # the most it can earn: component weight × share / 100
    mean: Decimal  # weighted mean of its criteria's values, in percent
    score: Decimal  # mean / 100 × points, unrounded
    criteria: tuple[CriterionScore, ...]


@dataclass(frozen=True, slots=True)
class ComponentScore:
    code: str
    weight: Decimal
    score: Decimal  # unrounded
    subcomponents: tuple[SubComponentScore, ...]

    @property
    def shown(self) -> Decimal:
        return round2(self.score)


@dataclass(frozen=True, slots=True)
class EvaluationScore:
    components: tuple[ComponentScore, ...]
    total: Decimal  # unrounded sum of the components
    rounded_total: Decimal  # two decimals, half up: what the grade follows
    grade: str
    grade_label: str = ""


def round2(d: Decimal) -> Decimal:
    """Two decimals, half up: the figure a worksheet prints (90.005 → 90.01)."""
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def grade(total: Decimal, bands: Sequence[GradeBand] = LKE_88_2021_BANDS) -> GradeBand:
    """The band holding ``total`` (rounded to two decimals first). Raises ValueError outside 0–100."""
    shown = round2(total)
    for band in bands:
        if band.holds(shown):
            return band
    raise ValueError(f"nilai {_fmt(shown)} tidak masuk predikat mana pun")


def score(template: Template, answers: Mapping[str, str]) -> EvaluationScore:
    """Score ``answers`` (criterion code → letter) against ``template``.

    Raises ``TemplateError`` for an unusable template (every problem at once), ``AnswerError`` when
    an answer names an unknown criterion or letter, or a criterion has no answer, or a
    sub-component has no criterion (nothing to take a mean of).
    """
    check(template)
    values = template.letter_values()
    known = {c.code for c in template.criteria()}
    problems: list[Problem] = []
    for code, letter in answers.items():
        if code not in known:
            problems.append(Problem("unknown_criterion", f"kriteria {code}", "tidak ada di templat"))
        elif letter not in values:
            problems.append(Problem("unknown_letter", f"kriteria {code}",
                                    f"jawaban {letter!r} tidak ada di skala"))
    comps: list[ComponentScore] = []
    for comp in template.components:
        subs: list[SubComponentScore] = []
        for sub in comp.subcomponents:
            points = comp.weight * sub.share / HUNDRED
            if not sub.criteria:
                problems.append(Problem("no_criteria", f"komponen {comp.code}, subkomponen {sub.code}",
                                        "belum ada kriteria; lengkapi templat dari LKE Pemda"))
                continue
            rows: list[CriterionScore] = []
            for crit in sub.criteria:
                answer = answers.get(crit.code)
                if answer is None:
                    problems.append(Problem("missing_answer", f"kriteria {crit.code}", "belum dijawab"))
                    continue
                if answer in values:
                    rows.append(CriterionScore(crit.code, answer, values[answer], crit.weight))
            if len(rows) != len(sub.criteria):
                continue
            weight = sum((r.weight for r in rows), ZERO)
            mean = sum((r.value * r.weight for r in rows), ZERO) / weight
            subs.append(SubComponentScore(sub.code, points, mean, mean * points / HUNDRED, tuple(rows)))
        comps.append(ComponentScore(comp.code, comp.weight, sum((s.score for s in subs), ZERO), tuple(subs)))
    if problems:
        raise AnswerError(problems)
    total = sum((c.score for c in comps), ZERO)
    band = grade(total, template.bands)
    return EvaluationScore(tuple(comps), total, round2(total), band.grade, band.label)


# ---- storage: plain JSON, numbers as text so no float ever touches a weight -------------------
class TemplateFormatError(ValueError):
    """A template document that cannot be read; the message names the place."""


def _text(data: Mapping[str, object], key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise TemplateFormatError(f"{where}: '{key}' harus teks")
    return value


def _number(data: Mapping[str, object], key: str, where: str, default: str | None = None) -> Decimal:
    raw = data.get(key, default)
    if not isinstance(raw, str):
        raise TemplateFormatError(f"{where}: '{key}' harus angka yang ditulis sebagai teks")
    try:
        value = Decimal(raw)
    except ArithmeticError:
        raise TemplateFormatError(f"{where}: '{key}' bukan angka ({raw!r})") from None
    if not value.is_finite():
        raise TemplateFormatError(f"{where}: '{key}' bukan angka ({raw!r})")
    return value


def _items(data: Mapping[str, object], key: str, where: str) -> list[Mapping[str, object]]:
    raw = data.get(key, [])
    if not isinstance(raw, list) or not all(isinstance(x, Mapping) for x in raw):
        raise TemplateFormatError(f"{where}: '{key}' harus daftar objek")
    return raw


def template_from_dict(data: Mapping[str, object]) -> Template:
    """Read a template document (the shipped ``permenpanrb_88_2021.json`` shape).

    Raises ``TemplateFormatError`` for a document that cannot be read; a readable one may still
    have problems, which ``validate`` lists.
    """
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise TemplateFormatError("templat: 'year' harus bilangan bulat")
    components = []
    for comp in _items(data, "components", "templat"):
        cw = f"komponen {comp.get('code')}"
        subs = []
        for sub in _items(comp, "subcomponents", cw):
            sw = f"{cw}, subkomponen {sub.get('code')}"
            crits = []
            for crit in _items(sub, "criteria", sw):
                kw = f"kriteria {crit.get('code')}"
                evidence = crit.get("evidence", [])
                if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
                    raise TemplateFormatError(f"{kw}: 'evidence' harus daftar teks")
                crits.append(Criterion(
                    _text(crit, "code", kw), _text(crit, "text", kw), _text(crit, "guidance", kw, ""),
                    tuple(evidence), _number(crit, "weight", kw, "1"), crit.get("note_required") is True,
                ))
            subs.append(SubComponent(_text(sub, "code", sw), _text(sub, "name", sw),
                                     _number(sub, "share", sw), tuple(crits)))
        components.append(Component(_text(comp, "code", cw), _text(comp, "name", cw),
                                    _number(comp, "weight", cw), tuple(subs)))
    scale = []
    for entry in _items(data, "scale", "skala jawaban"):
        lw = f"jawaban {entry.get('letter')}"
        raw = entry.get("value")
        scale.append(Letter(_text(entry, "letter", lw),
                            None if raw is None else _number(entry, "value", lw), _text(entry, "label", lw, "")))
    bands = []
    for band in _items(data, "bands", "predikat"):
        bw = f"predikat {band.get('grade')}"
        bands.append(GradeBand(_text(band, "grade", bw), _number(band, "lower", bw), _number(band, "upper", bw),
                               _text(band, "label", bw, ""), band.get("lower_inclusive") is True))
    return Template(_text(data, "regulation", "templat"), year, tuple(components), tuple(scale), tuple(bands))
