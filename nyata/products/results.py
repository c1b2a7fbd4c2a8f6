"""Read models of the products app: survey results and flagship coverage, in constant queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from nyata.core.models import YearRules
from nyata.products import ikm
from nyata.products.models import ELEMENT_LABELS, Innovation, Survey


@dataclass(frozen=True)
class SurveyResult:
    survey: Survey
    result: ikm.IkmResult
    minimum_sample: int

    @property
    def elements(self) -> list[tuple[str, str, Decimal | None]]:
        """(code, label, NRR) of the nine elements, in the regulation's order."""
        return [(f"U{i}", str(ELEMENT_LABELS[k]), self.result.nrr[k])
                for i, k in enumerate(ikm.ELEMENT_KEYS, start=1)]

    @property
    def sample_ok(self) -> bool:
        return self.result.respondents >= self.minimum_sample


def with_totals(surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    """One aggregate query: respondents and the sum per element of each survey."""
    sums = {f"sum_{k}": Sum(f"responses__{k}") for k in ikm.ELEMENT_KEYS}
    return surveys.annotate(n_responses=Count("responses"), **sums)


def ikm_rules(years: Iterable[int]) -> dict[int, tuple[str | None, ikm.Bands]]:
    """Per year: the Pemda's IKM weighting (None: each survey's own) and grade bands (one query)."""
    out: dict[int, tuple[str | None, ikm.Bands]] = {}
    for r in YearRules.objects.filter(fiscal_year__year__in=set(years)).select_related("fiscal_year"):
        bands: ikm.Bands = ikm.IKM_BANDS
        if r.ikm_a_from is not None and r.ikm_b_from is not None and r.ikm_c_from is not None:
            bands = ikm.bands_from(r.ikm_a_from, r.ikm_b_from, r.ikm_c_from)
        out[r.fiscal_year.year] = (r.ikm_weighting or None, bands)
    return out


def iid_predicates_for(year: int) -> ikm.IidPredicates:
    """The year's IID thresholds: the Pemda's own when set, else the year's guidance."""
    r = YearRules.objects.filter(fiscal_year__year=year).first()
    if r is not None and r.iid_very_innovative_from is not None and r.iid_innovative_from is not None:
        return ikm.IidPredicates(r.iid_very_innovative_from, r.iid_innovative_from, "Pemda")
    return ikm.iid_predicates(year)


def survey_results(surveys: Iterable[Survey]) -> list[SurveyResult]:
    """Results of surveys annotated by `with_totals` (every element is required, so answered = n)."""
    surveys = list(surveys)
    rules = ikm_rules(s.year for s in surveys)
    out = []
    for s in surveys:
        n = s.n_responses  # type: ignore[attr-defined]  # annotated by with_totals()
        totals = {k: (getattr(s, f"sum_{k}") or 0, n) for k in ikm.ELEMENT_KEYS}
        weighting, bands = rules.get(s.year, (None, ikm.IKM_BANDS))
        minimum = ikm.minimum_sample(s.population)
        out.append(SurveyResult(s, ikm.ikm_from_totals(totals, n, weighting or s.weighting, bands, minimum),
                                minimum))
    return out


def latest_results_by_innovation(innovations: Iterable[Innovation]) -> dict[int, SurveyResult]:
    """The latest survey result of each innovation (one query)."""
    ids = [i.pk for i in innovations]
    qs = with_totals(Survey.objects.filter(innovation_id__in=ids)).order_by("innovation_id", "year")
    out: dict[int, SurveyResult] = {}
    for r in survey_results(qs):
        out[r.survey.innovation_id] = r  # later years overwrite earlier ones
    return out


def default_year() -> int:
    """The running fiscal year of the Pemda in scope, else the calendar year."""
    from django.utils import timezone

    from nyata.core.models import FiscalYear

    running = FiscalYear.objects.filter(state=FiscalYear.State.RUNNING).order_by("-year").first()
    return running.year if running else timezone.localdate().year


def parse_year(raw: str | None, fallback: int) -> int:
    try:
        year = int(raw or "")
    except ValueError:
        return fallback
    return year if 2000 <= year <= 2100 else fallback
