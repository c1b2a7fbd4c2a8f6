"""Read side of the leaders' dashboard: every number comes from stored rows.

Scores, categories, ranks, completeness, indicator achievements, forecasts and flags are read
from `reporting.ScoreSnapshot` (written by `nyata.reporting.scores.recompute`), never
recomputed per request. Each function runs a fixed number of queries, however many agencies
the Pemda has (asserted in tests/dashboard/test_pages.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nyata.core.models import Agency, Quarter
from nyata.core.params import as_int
from nyata.core.typealiases import TemplateContext
from nyata.products.models import Innovation
from nyata.projects.models import Milestone, Project
from nyata.reporting import labels
from nyata.reporting.models import BudgetRealisation, CorrectiveAction, ScoreSnapshot, Status
from nyata.scoring import ScoringConfig, efficiency

ANOMALIES = ("out_of_bounds", "outlier", "copied_values", "target_too_low", "no_evidence")
FLAG_LABELS = labels.FLAG_LABELS  # one label per flag, for every page and document
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

if TYPE_CHECKING:  # imported inside the functions that query it, as below
    from nyata.dashboard.models import Commitment


def quarter_label(year: int, quarter: int) -> str:
    return f"TW {ROMAN.get(quarter, quarter)} {year}"


# --- period -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int
    quarter_obj: Quarter | None = None

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)

    @property
    def previous(self) -> tuple[int, int]:
        return (self.year, self.quarter - 1) if self.quarter > 1 else (self.year - 1, 4)

    @property
    def next(self) -> tuple[int, int]:
        return (self.year, self.quarter + 1) if self.quarter < 4 else (self.year + 1, 1)


def _int(value: str | None) -> int | None:
    return as_int(value, low=0)


def period_from(params: Mapping[str, str], quarters: list[Quarter] | None = None) -> Period:
    """The period asked for (?tahun=2026&tw=2), else the quarter being reported now."""
    quarters = quarters if quarters is not None else open_quarters()
    year, number = _int(params.get("tahun")), _int(params.get("tw"))
    if year is not None and number is not None and 1 <= number <= 4:
        match = next((q for q in quarters if q.fiscal_year.year == year and q.number == number), None)
        return Period(year, number, match)
    today = timezone.localdate()
    ended = [q for q in quarters if q.end < today]
    chosen = ended[0] if ended else (quarters[0] if quarters else None)
    if chosen is not None:
        return Period(chosen.fiscal_year.year, chosen.number, chosen)
    latest = ScoreSnapshot.objects.order_by("-year", "-quarter").values_list("year", "quarter").first()
    if latest:
        return Period(latest[0], latest[1])
    return Period(today.year, 1)


def open_quarters() -> list[Quarter]:
    today = timezone.localdate()
    return list(Quarter.objects.filter(start__lte=today).select_related("fiscal_year").order_by("-start"))


# --- ranking ------------------------------------------------------------------------------------


@dataclass
class AgencyRow:
    agency: Agency
    snap: ScoreSnapshot | None = None
    prev: ScoreSnapshot | None = None
    promised: int = 0
    verified: int = 0
    backlog: int = 0  # submitted values the inspectorate has not verified yet
    on_target: int = 0
    late: bool = False
    missing: int = 0
    report_state: str = ""
    absorption: float | None = None
    efficiency: str = ""
    flags: list[str] = field(default_factory=list)

    @property
    def score(self) -> float | None:
        return self.snap.score if self.snap else None

    @property
    def category(self) -> str:
        return self.snap.category if self.snap else ""

    @property
    def rank(self) -> int | None:
        return self.snap.rank if self.snap else None

    @property
    def completeness(self) -> float | None:
        return self.snap.completeness * 100 if self.snap else None

    @property
    def awaiting(self) -> int:
        """On-time values awaiting verification, left out of the score: score and rank are provisional."""
        return self.snap.awaiting if self.snap else 0

    @property
    def change(self) -> float | None:
        if self.score is None or self.prev is None or self.prev.score is None:
            return None
        return self.score - self.prev.score

    @property
    def rank_change(self) -> int | None:
        if self.rank is None or self.prev is None or self.prev.rank is None:
            return None
        return self.prev.rank - self.rank


SORTS: dict[str, Any] = {
    "rank": lambda r: (r.rank is None, r.rank or 0, r.agency.code),
    "score": lambda r: (r.score is None, -(r.score or 0), r.agency.code),
    "change": lambda r: (r.change is None, -(r.change or 0), r.agency.code),
    "completeness": lambda r: (r.completeness is None, -(r.completeness or 0), r.agency.code),
    "name": lambda r: (str(r.agency).lower(),),
    "category": lambda r: (r.category == "", ["sangat_tinggi", "tinggi", "sedang", "rendah", "sangat_rendah"].index(
        r.category) if r.category in ("sangat_tinggi", "tinggi", "sedang", "rendah", "sangat_rendah") else 9,
        r.rank or 0),
}


def snapshots(period: Period, agencies: Iterable[int] | None = None,
              with_previous: bool = True) -> tuple[dict[int, ScoreSnapshot], dict[int, ScoreSnapshot]]:
    py, pq = period.previous
    cond = Q(year=period.year, quarter=period.quarter)
    if with_previous:
        cond |= Q(year=py, quarter=pq)
    qs = ScoreSnapshot.objects.filter(cond)
    if agencies is not None:
        qs = qs.filter(agency_id__in=list(agencies))
    now: dict[int, ScoreSnapshot] = {}
    prev: dict[int, ScoreSnapshot] = {}
    for s in qs:
        (now if (s.year, s.quarter) == (period.year, period.quarter) else prev)[s.agency_id] = s
    return now, prev


def ranking(period: Period, agencies: QuerySet[Agency], sort: str = "rank",
            with_board: bool = True) -> list[AgencyRow]:
    """One row per active agency: stored score, rank, change, completeness, promised vs delivered."""
    agency_list = list(agencies.order_by("code"))
    ids = [a.pk for a in agency_list]
    if with_board and period.quarter_obj is None:
        found = Quarter.objects.filter(fiscal_year__year=period.year, number=period.quarter).select_related(
            "fiscal_year").first()
        if found is not None:
            period = Period(period.year, period.quarter, found)
    now, prev = snapshots(period)
    rows = {a.pk: AgencyRow(a, now.get(a.pk), prev.get(a.pk)) for a in agency_list}
    if with_board and period.quarter_obj is not None:
        from nyata.reporting.queries import board

        for b in board(period.quarter_obj, Agency.objects.filter(pk__in=ids)):
            row = rows[b.agency.pk]
            row.promised = b.indicators
            row.verified = b.counts.get("accepted", 0)
            row.backlog = b.counts.get("submitted", 0)
            row.late = b.late
            row.missing = b.missing
            row.report_state = b.state
        spent = (BudgetRealisation.objects.filter(quarter=period.quarter_obj, agency_id__in=ids)
                 .values("agency_id").annotate(spent=Sum("spent"), ceiling=Sum("ceiling")))
        for b2 in spent:
            row = rows[b2["agency_id"]]
            if b2["ceiling"]:
                row.absorption = float(b2["spent"] / b2["ceiling"] * 100)
    for row in rows.values():
        if row.snap is not None:
            row.on_target = sum(1 for i in row.snap.indicators
                                if i.get("realisation") is not None and (i.get("ytd_achievement") or 0) >= 100)
            row.flags = list(row.snap.flags)
            if row.absorption is not None and row.score is not None:
                eff = efficiency(row.score, row.absorption, ScoringConfig())
                if eff.spent_not_delivered:
                    row.efficiency = "spent_not_delivered"
                elif eff.delivered_for_less:
                    row.efficiency = "delivered_for_less"
                elif eff.efficient:
                    row.efficiency = "efficient"
    key = SORTS.get(sort, SORTS["rank"])
    return sorted(rows.values(), key=key)


# --- red flags ----------------------------------------------------------------------------------


@dataclass
class RedFlag:
    agency: Agency
    kind: str
    detail: str
    indicator: str = ""  # indicator code, when the flag is about one indicator

    @property
    def label(self) -> str:
        return str(FLAG_LABELS.get(self.kind, self.kind))


def indicator_names(rows: Iterable[AgencyRow]) -> dict[str, str]:
    from nyata.planning.models import Indicator

    codes = {i["indicator"] for r in rows if r.snap for i in r.snap.indicators}
    if not codes:
        return {}
    return dict(Indicator.objects.filter(code__in=codes).values_list("code", "name"))


def red_flags(rows: list[AgencyRow], period: Period, names: Mapping[str, str]) -> list[RedFlag]:
    """Off-track forecasts, anomalies, late or missing reports, spent-but-not-delivered."""
    today = timezone.localdate()
    deadline_passed = period.quarter_obj is not None and period.quarter_obj.report_deadline < today
    out: list[RedFlag] = []
    for r in rows:
        a = r.agency
        if r.promised and deadline_passed and r.missing:
            out.append(RedFlag(a, "not_reported", f"{r.missing} dari {r.promised} indikator belum dilaporkan"))
        elif r.late:
            out.append(RedFlag(a, "late", "Diajukan sesudah batas laporan"))
        if r.efficiency == "spent_not_delivered":
            out.append(RedFlag(a, "spent_not_delivered",
                               f"Serapan {_n(r.absorption)}% vs skor {_n(r.score)}"))
        if r.snap is None:
            continue
        for f in r.snap.forecasts:
            if f.get("status") == "off_track":
                code = f.get("indicator", "")
                out.append(RedFlag(a, "off_track", f"{names.get(code, code)}: proyeksi capaian "
                                                   f"{_n(f.get('achievement'))}%", code))
        for i in r.snap.indicators:
            for flag in i.get("flags", []):
                if flag in ANOMALIES:
                    code = i.get("indicator", "")
                    out.append(RedFlag(a, flag, names.get(code, code), code))
    order = {"not_reported": 0, "spent_not_delivered": 1, "off_track": 2, "late": 3}
    return sorted(out, key=lambda f: (order.get(f.kind, 9), f.agency.code))


def _n(v: Any) -> str:
    from nyata.dashboard.charts import number

    return number(None if v is None else float(v))


# --- corrective actions, headline indicators, projects, products --------------------------------


def unresolved_actions(
    agency_ids: Iterable[int] | None = None, limit: int = 20
) -> tuple[int, int, list[CorrectiveAction]]:
    """(count, overdue count, first rows by due date) of corrective actions still open."""
    qs = CorrectiveAction.objects.filter(state__in=[CorrectiveAction.State.OPEN, CorrectiveAction.State.IN_PROGRESS])
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    today = timezone.localdate()
    items = list(qs.select_related("agency", "critique__quarter__fiscal_year").order_by("due", "pk")[:limit])
    total = qs.count()
    overdue = qs.filter(due__lt=today).count()
    return total, overdue, items


@dataclass
class Headline:
    code: str
    name: str
    unit: str
    polarity: str
    target: float | None
    actual: float | None
    actual_year: int | None
    achievement: float | None
    years: list[int]
    actuals: list[float | None]
    targets: list[float | None]
    source: str = ""
    pk: int = 0
    target_high: float | None = None  # a range's upper bound: the target reads LOW–HIGH


def headline_indicators(year: int, limit: int = 10) -> list[Headline]:
    """The province's key plan indicators (RPJMD, owned by a goal or strategic objective)."""
    from nyata.planning.models import Indicator, PlanPeriod, engine_polarity
    from nyata.scoring import achievement

    period = (PlanPeriod.objects.filter(is_current=True, start_year__lte=year, end_year__gte=year)
              .order_by("-revision").first())
    if period is None:
        return []
    inds = list(Indicator.objects.filter(period=period, agency__isnull=True, is_key=True)
                .prefetch_related("targets", "actuals").order_by("code")[:limit])
    out = []
    for ind in inds:
        targets = {t.year: float(t.value) for t in ind.targets.all()}
        highs = {t.year: t.value_high for t in ind.targets.all()}
        actuals = {a.year: (float(a.value), a.source) for a in ind.actuals.all()}
        years = sorted(y for y in set(targets) | set(actuals) if y <= year)[-6:]
        past = [y for y in sorted(actuals) if y <= year]
        actual_year = past[-1] if past else None
        actual = actuals[actual_year][0] if actual_year else None
        target = targets.get(actual_year) if actual_year else targets.get(year)
        target_year = actual_year if actual_year else year
        pol = engine_polarity(ind.polarity, target, highs.get(target_year))
        ach = achievement(target, actual, pol)[0]
        high = highs.get(target_year)
        out.append(Headline(ind.code, ind.name, ind.unit, ind.polarity, target, actual, actual_year, ach, years,
                            [actuals[y][0] if y in actuals else None for y in years],
                            [targets.get(y) for y in years],
                            actuals[actual_year][1] if actual_year else "", ind.pk,
                            None if high is None else float(high)))
    return out


def projects_summary(as_of: dt.date | None = None) -> TemplateContext:
    """Strategic projects in summary."""
    as_of = as_of or timezone.localdate()
    projects = list(Project.objects.select_related("owner_agency").order_by("code"))
    late: dict[int, int] = defaultdict(int)
    for pid in Milestone.objects.filter(actual_date__isnull=True, planned_date__lt=as_of).values_list(
            "project_id", flat=True):
        late[pid] += 1
    by_status: dict[str, int] = defaultdict(int)
    for p in projects:
        by_status[p.get_status_display()] += 1
    rows = [{"project": p, "late": late.get(p.pk, 0)} for p in projects]
    rows.sort(key=lambda r: (-r["late"], r["project"].code))
    return {"total": len(projects), "by_status": dict(by_status), "rows": rows,
            "late_projects": sum(1 for r in rows if r["late"])}


def products_summary(year: int) -> TemplateContext:
    qs = Innovation.objects.filter(year=year)
    flagships = list(qs.filter(is_flagship=True).select_related("agency").order_by("agency__code")[:50])
    return {"innovations": qs.count(), "flagships": flagships}


# --- drill-down ---------------------------------------------------------------------------------


@dataclass
class IndicatorLine:
    ai: Any
    targets: list[float | None]
    values: list[float | None]  # verified (accepted) realisations per quarter
    statuses: list[str]
    evidence: int
    result: dict[str, Any] | None  # the snapshot's entry for the chosen quarter
    forecast: dict[str, Any] | None

    @property
    def cells(self) -> list[tuple[float | None, float | None, str]]:
        return list(zip(self.targets, self.values, self.statuses, strict=True))


def agency_detail(agency: Agency, period: Period) -> TemplateContext:
    """Objectives → indicators of the signed PK, with stored achievements and the quarter's critique."""
    from nyata.agreements.services import signed_indicators
    from nyata.reporting.models import Realisation, SelfCritique

    snaps = {s.quarter: s for s in ScoreSnapshot.objects.filter(agency=agency, year=period.year)}
    snap = snaps.get(period.quarter)
    ais = list(signed_indicators(agency=agency, year=period.year).select_related("indicator__agency_objective"))
    reals: dict[tuple[int, int], Any] = {}
    for row in (Realisation.objects.filter(agency=agency, quarter__fiscal_year__year=period.year,
                                         agreement_indicator__in=ais)
              .values("agreement_indicator_id", "quarter__number", "status", "value")):
        reals[(row["agreement_indicator_id"], row["quarter__number"])] = row
    from django.db.models import Count

    evidence = dict(
        Realisation.objects.filter(agency=agency, quarter__fiscal_year__year=period.year, agreement_indicator__in=ais)
        .values("agreement_indicator_id").annotate(n=Count("evidence")).values_list("agreement_indicator_id", "n"))
    results = {i["indicator"]: i for i in (snap.indicators if snap else [])}
    forecasts = {f["indicator"]: f for f in (snap.forecasts if snap else [])}
    groups: dict[str, list[IndicatorLine]] = defaultdict(list)
    for ai in ais:
        vals, sts = [], []
        for qn in range(1, 5):
            r: dict[str, Any] | None = reals.get((ai.pk, qn))
            sts.append(str(Status(r["status"]).label) if r else "")
            vals.append(float(r["value"]) if r and r["status"] == "accepted" and r["value"] is not None else None)
        obj = ai.indicator.agency_objective
        title = str(obj) if obj is not None else ai.objective_text
        groups[title].append(IndicatorLine(
            ai, [None if t is None else float(t) for t in ai.quarter_targets], vals, sts,
            evidence.get(ai.pk, 0), results.get(ai.indicator.code), forecasts.get(ai.indicator.code)))
    critique = (SelfCritique.objects.filter(agency=agency, quarter__fiscal_year__year=period.year,
                                            quarter__number=period.quarter)
                .prefetch_related("gaps", "causes__depends_on", "actions", "products").first())
    return {"snap": snap, "snaps": snaps, "groups": dict(groups), "critique": critique}


def follow_up(commitments: Iterable[Commitment], as_of: Period | None = None) -> list[TemplateContext]:
    """Each commitment with what the stored data shows now: kept, improving, not kept or not yet known.

    * indicator commitments compare the indicator's latest stored YTD achievement with 100 %
      (kept) and with the achievement recorded at the meeting (improving);
    * project commitments are kept when the project has no milestone late as of the due date;
    * agency commitments compare the agency's latest stored score with the meeting's score.

    "Latest" is the latest stored quarter up to `as_of` (the period on screen or in the pack).
    """
    items = list(commitments)
    agency_ids = {c.agency_id for c in items}
    latest: dict[int, ScoreSnapshot] = {}
    snaps = ScoreSnapshot.objects.filter(agency_id__in=agency_ids).exclude(score__isnull=True)
    if as_of is not None:
        snaps = snaps.filter(Q(year__lt=as_of.year) | Q(year=as_of.year, quarter__lte=as_of.quarter))
    for s in snaps.order_by(
            "agency_id", "year", "quarter"):
        latest[s.agency_id] = s
    project_ids = {c.project_id for c in items if c.project_id}
    late_by_project: dict[int, list[dt.date]] = defaultdict(list)
    if project_ids:
        for pid, planned in Milestone.objects.filter(project_id__in=project_ids, actual_date__isnull=True
                                                     ).values_list("project_id", "planned_date"):
            late_by_project[pid].append(planned)
    today = timezone.localdate()
    out = []
    for c in items:
        snap = latest.get(c.agency_id)
        now_value: float | None = None
        verdict = "unknown"
        after_meeting = snap is not None and (snap.year, snap.quarter) > (c.year, c.quarter)
        if c.indicator_id:
            code = c.indicator.code if c.indicator else ""
            entries: list[dict[str, Any]] = snap.indicators if snap else []
            entry = next((i for i in entries if i.get("indicator") == code), None)
            now_value = entry.get("ytd_achievement") if entry else None
            if now_value is not None and after_meeting:
                if now_value >= 100:
                    verdict = "kept"
                elif c.baseline_achievement is not None and now_value > c.baseline_achievement:
                    verdict = "improving"
                else:
                    verdict = "not_kept"
        elif c.project_id:
            cutoff = min(today, c.due)
            late = [d for d in late_by_project.get(c.project_id, []) if d < cutoff]
            now_value = float(len(late))
            verdict = "kept" if not late and today >= c.due else ("not_kept" if late else "unknown")
        else:
            now_value = snap.score if snap else None
            if now_value is not None and after_meeting and c.baseline_score is not None:
                verdict = "kept" if now_value >= max(c.baseline_score, 91.0) else (
                    "improving" if now_value > c.baseline_score else "not_kept")
        overdue = c.state == "open" and c.due < today
        out.append({"c": c, "now": now_value, "verdict": verdict, "overdue": overdue,
                    "as_of": quarter_label(snap.year, snap.quarter) if snap else ""})
    return out


VERDICTS = {
    "kept": _("Data menunjukkan terpenuhi"),
    "improving": _("Membaik, belum terpenuhi"),
    "not_kept": _("Data menunjukkan belum terpenuhi"),
    "unknown": _("Belum ada data sesudah rapat"),
}


# --- freshness of cached pages ------------------------------------------------------------------


def fingerprint(period: Period, pemda_id: int) -> str:
    """One query that changes whenever anything the leaders' home shows changes.

    Scores (`computed_at`), realisations, critiques and budget of the quarter (`updated_at`),
    agreements, corrective actions, commitments, agencies and plan targets/actuals (counts and
    highest ids). A cached page is reused only while this value is the same (and for at most
    `HOME_CACHE_SECONDS`).
    """
    from django.db.models import Count, Max, Subquery

    from nyata.agreements.models import Agreement
    from nyata.core.models import Pemda
    from nyata.dashboard.models import Commitment
    from nyata.planning.models import IndicatorActual, TargetVersion
    from nyata.projects.models import ProgressReport
    from nyata.reporting.models import BudgetRealisation, Realisation, SelfCritique

    def latest(qs: QuerySet[Any], field: str) -> Subquery:
        return Subquery(qs.order_by(f"-{field}").values(field)[:1])

    def agg(qs: QuerySet[Any], expr: Any) -> Subquery:
        return Subquery(qs.order_by().values("pemda").annotate(v=expr).values("v")[:1])

    py, pq = period.previous
    q = period.quarter_obj
    open_actions = CorrectiveAction.objects.filter(
        state__in=[CorrectiveAction.State.OPEN, CorrectiveAction.State.IN_PROGRESS])
    row = Pemda.objects.filter(pk=pemda_id).annotate(
        s=latest(ScoreSnapshot.objects.filter(Q(year=period.year) | Q(year=py, quarter=pq)), "computed_at"),
        r=latest(Realisation.objects.filter(quarter=q), "updated_at") if q else Max("pk"),
        c=latest(SelfCritique.objects.filter(quarter=q), "updated_at") if q else Max("pk"),
        b=latest(BudgetRealisation.objects.filter(quarter=q), "updated_at") if q else Max("pk"),
        g=latest(Agreement.objects.filter(year=period.year), "updated_at"),
        a1=agg(open_actions, Count("pk")), a2=agg(CorrectiveAction.objects.all(), Max("pk")),
        m1=agg(Commitment.objects.filter(state=Commitment.State.OPEN), Count("pk")),
        m2=agg(Commitment.objects.all(), Max("pk")),
        o1=agg(Agency.objects.filter(is_active=True), Count("pk")), o2=agg(Agency.objects.all(), Max("pk")),
        t=agg(TargetVersion.objects.all(), Max("pk")), x=agg(IndicatorActual.objects.all(), Max("pk")),
        x2=agg(IndicatorActual.objects.all(), Count("pk")),
        # the agenda: values waiting for the inspectorate (any quarter) and project progress
        v=agg(Realisation.objects.filter(status=Status.SUBMITTED), Count("pk")),
        p=agg(ProgressReport.objects.all(), Max("pk")),
    ).values_list("s", "r", "c", "b", "g", "a1", "a2", "m1", "m2", "o1", "o2", "t", "x", "x2", "v", "p").first()
    return repr(row)
