"""Read models of the products app: survey results and flagship coverage, in constant queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

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


def survey_results(surveys: Iterable[Survey]) -> list[SurveyResult]:
    """Results of surveys annotated by `with_totals` (every element is required, so answered = n)."""
    out = []
    for s in surveys:
        n = s.n_responses  # type: ignore[attr-defined]
        totals = {k: (getattr(s, f"sum_{k}") or 0, n) for k in ikm.ELEMENT_KEYS}
        out.append(SurveyResult(s, ikm.ikm_from_totals(totals, n, s.weighting),
                                ikm.minimum_sample(s.population)))
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
