"""Target quality checks: "achievements beyond the normative standard".

Pure functions over plain facts (no database): `facts_for_period` gathers them in a constant
number of queries, `check` returns typed findings. The rules, for higher-is-better indicators
(mirrored for lower-is-better; range indicators are exempt from the direction rules):

- `below_baseline`: a yearly target below the baseline value;
- `below_last_actual`: a yearly target below the last value realised before that year;
- `flat`: the same target in every year of the period (no improvement planned);
- `missing_year`: a year of the period without a target;
- `output_only`: an objective (outcome by definition) measured only by output units
  (documents, reports, activities, meetings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from nyata.planning.models import OUTPUT_UNITS, Polarity


class Rule(StrEnum):
    BELOW_BASELINE = "below_baseline"
    BELOW_LAST_ACTUAL = "below_last_actual"
    FLAT = "flat"
    MISSING_YEAR = "missing_year"
    OUTPUT_ONLY = "output_only"


RULE_LABELS = {
    Rule.BELOW_BASELINE: gettext_noop("Target lebih buruk dari kondisi awal"),
    Rule.BELOW_LAST_ACTUAL: gettext_noop("Target lebih buruk dari realisasi terakhir"),
    Rule.FLAT: gettext_noop("Target datar sepanjang periode"),
    Rule.MISSING_YEAR: gettext_noop("Target tahun tidak diisi"),
    Rule.OUTPUT_ONLY: gettext_noop("Sasaran hanya diukur dengan satuan keluaran"),
}


@dataclass(frozen=True)
class IndicatorFacts:
    code: str
    name: str
    polarity: str
    unit: str
    agency: str = ""  # agency code; "" for province indicators
    baseline_year: int | None = None
    baseline_value: Decimal | None = None
    targets: dict[int, Decimal] = field(default_factory=dict)
    actuals: dict[int, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class ObjectiveFacts:
    code: str
    name: str
    agency: str  # "" for province objectives
    units: tuple[str, ...]  # the units of its indicators


@dataclass(frozen=True)
class Finding:
    rule: Rule
    agency: str
    subject_code: str  # indicator code, or objective code for output_only
    subject_name: str
    year: int | None
    message: str

    @property
    def label(self) -> str:
        return _(RULE_LABELS[self.rule])


def _worse(polarity: str, target: Decimal, reference: Decimal) -> bool:
    if polarity == Polarity.HIGHER:
        return target < reference
    if polarity == Polarity.LOWER:
        return target > reference
    return False


def check_indicator(ind: IndicatorFacts, years: Sequence[int]) -> list[Finding]:
    out: list[Finding] = []

    def add(rule: Rule, year: int | None, message: str) -> None:
        out.append(Finding(rule, ind.agency, ind.code, ind.name, year, message))

    for year in years:
        if year not in ind.targets:
            add(Rule.MISSING_YEAR, year, _("Tidak ada target untuk tahun %(y)d.") % {"y": year})
    directional = ind.polarity in (Polarity.HIGHER, Polarity.LOWER)
    for year, target in sorted(ind.targets.items()):
        if not directional:
            break
        if ind.baseline_value is not None and _worse(ind.polarity, target, ind.baseline_value):
            add(Rule.BELOW_BASELINE, year,
                _("Target %(y)d (%(t)s) lebih buruk dari kondisi awal %(b)s.")
                % {"y": year, "t": _fmt(target), "b": _fmt(ind.baseline_value)})
        earlier = [y for y in ind.actuals if y < year]
        if earlier:
            last_year = max(earlier)
            last = ind.actuals[last_year]
            if _worse(ind.polarity, target, last):
                add(Rule.BELOW_LAST_ACTUAL, year,
                    _("Target %(y)d (%(t)s) lebih buruk dari realisasi %(ly)d (%(r)s).")
                    % {"y": year, "t": _fmt(target), "ly": last_year, "r": _fmt(last)})
    values = [ind.targets[y] for y in years if y in ind.targets]
    if directional and len(values) >= 2 and len(set(values)) == 1:
        add(Rule.FLAT, None, _("Target sama (%(t)s) di setiap tahun; tidak ada peningkatan.")
            % {"t": _fmt(values[0])})
    return out


def check_objective(obj: ObjectiveFacts) -> list[Finding]:
    if obj.units and all(u in OUTPUT_UNITS for u in obj.units):
        return [Finding(Rule.OUTPUT_ONLY, obj.agency, obj.code, obj.name, None,
                        _("Semua indikatornya bersatuan keluaran (%(u)s); ukur hasilnya (outcome).")
                        % {"u": ", ".join(sorted(set(obj.units)))})]
    return []


def check(indicators: Iterable[IndicatorFacts], objectives: Iterable[ObjectiveFacts],
          years: Sequence[int]) -> list[Finding]:
    findings = [f for o in objectives for f in check_objective(o)]
    findings += [f for i in indicators for f in check_indicator(i, years)]
    return sorted(findings, key=lambda f: (f.agency, f.subject_code, f.rule, f.year or 0))


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))  # the reader's decimal mark


# --- gathering facts from the database (constant number of queries) -----------------------


def facts_for_period(period: object, agency_ids: set[int] | None = None
                     ) -> tuple[list[IndicatorFacts], list[ObjectiveFacts]]:
    from nyata.planning.models import (
        AgencyObjective,
        Indicator,
        IndicatorActual,
        IndicatorTarget,
        Objective,
    )

    indicators = Indicator.objects.filter(period=period).select_related("agency")
    aobjs = AgencyObjective.objects.filter(period=period).select_related("agency")
    if agency_ids is not None:
        indicators = indicators.filter(agency_id__in=agency_ids)
        aobjs = aobjs.filter(agency_id__in=agency_ids)
    targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for t in IndicatorTarget.objects.filter(indicator__period=period).values_list(
            "indicator_id", "year", "value"):
        targets[t[0]][t[1]] = t[2]
    actuals: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for a in IndicatorActual.objects.filter(indicator__period=period).values_list(
            "indicator_id", "year", "value"):
        actuals[a[0]][a[1]] = a[2]
    ind_list = list(indicators)
    ind_facts = [
        IndicatorFacts(
            code=i.code, name=i.name, polarity=i.polarity, unit=i.unit,
            agency=i.agency.code if i.agency else "", baseline_year=i.baseline_year,
            baseline_value=i.baseline_value, targets=targets.get(i.pk, {}),
            actuals=actuals.get(i.pk, {}),
        )
        for i in ind_list
    ]
    units_by_obj: dict[int, list[str]] = defaultdict(list)
    units_by_aobj: dict[int, list[str]] = defaultdict(list)
    for i in ind_list:
        if i.objective_id:
            units_by_obj[i.objective_id].append(i.unit)
        if i.agency_objective_id:
            units_by_aobj[i.agency_objective_id].append(i.unit)
    obj_facts = [ObjectiveFacts(a.code, a.name, a.agency.code, tuple(units_by_aobj[a.pk]))
                 for a in aobjs]
    if agency_ids is None:
        obj_facts += [ObjectiveFacts(o.code, o.name, "", tuple(units_by_obj[o.pk]))
                      for o in Objective.objects.filter(period=period)]
    return ind_facts, obj_facts
