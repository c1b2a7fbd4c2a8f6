"""Reads shared by the pages and the API: current progress, status, S-curve, dependency analysis.

Each function issues a fixed number of queries whatever the number of projects or agencies.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from nyata.core.models import Agency
from nyata.core.typealiases import TemplateContext
from nyata.projects import analysis
from nyata.projects.analysis import DeviationStatus
from nyata.projects.models import (
    Dependency,
    FundingSource,
    Milestone,
    ProgressReport,
    Project,
    ProjectIndicator,
    ProjectObjective,
)

MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


@dataclass
class MonthRow:
    report: ProgressReport
    deviation: Decimal
    status: DeviationStatus
    financial_pct: Decimal | None
    versions: int


@dataclass
class ProjectState:
    project: Project
    rows: list[MonthRow]
    ceiling: Decimal

    @property
    def latest(self) -> MonthRow | None:
        return self.rows[-1] if self.rows else None

    @property
    def status(self) -> DeviationStatus | None:
        return self.latest.status if self.latest else None


def runs_past_fiscal_year(project: Project, report: ProgressReport) -> bool:
    """The work was due within the report's fiscal year but is now forecast to end after it."""
    year_end = dt.date(report.month.year, 12, 31)
    if report.forecast_completion is None or report.forecast_completion <= year_end:
        return False
    return project.end is None or project.end <= year_end


def current_reports(project_ids: Iterable[int]) -> dict[int, list[tuple[ProgressReport, int]]]:
    """Per project, the latest version of each month (with its number of versions), by month."""
    out: dict[int, dict[dt.date, tuple[ProgressReport, int]]] = defaultdict(dict)
    for r in ProgressReport.objects.filter(project_id__in=list(project_ids)).order_by(
        "project_id", "month", "version"
    ):
        count = out[r.project_id].get(r.month, (r, 0))[1]
        out[r.project_id][r.month] = (r, count + 1)
    return {pid: [months[m] for m in sorted(months)] for pid, months in out.items()}


def ceilings(project_ids: Iterable[int]) -> dict[int, Decimal]:
    rows = (FundingSource.objects.filter(project_id__in=list(project_ids))
            .values("project_id").annotate(total=Sum("amount")))
    return {r["project_id"]: r["total"] or Decimal(0) for r in rows}


def project_states(projects: Iterable[Project]) -> list[ProjectState]:
    """Status of many projects in two queries."""
    projects = list(projects)
    ids = [p.pk for p in projects]
    reports = current_reports(ids)
    ceiling = ceilings(ids)
    out = []
    for p in projects:
        c = ceiling.get(p.pk, Decimal(0))
        rows = []
        for r, versions in reports.get(p.pk, []):
            status = analysis.deviation_status(
                r.planned_physical, r.actual_physical,
                runs_past_fiscal_year=runs_past_fiscal_year(p, r))
            fin = (r.spent / c * 100).quantize(Decimal("0.01")) if c else None
            rows.append(MonthRow(r, analysis.deviation(r.planned_physical, r.actual_physical),
                                 status, fin, versions))
        out.append(ProjectState(p, rows, c))
    return out


# --- S-curve ------------------------------------------------------------------------------------

W, H = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 120, 16, 40


def scurve(state: ProjectState) -> TemplateContext:
    """Coordinates for the S-curve SVG: planned, actual and financial cumulative %, by month."""
    rows = state.rows
    if not rows:
        return {"empty": True}
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM
    n = len(rows)

    def x(i: int) -> float:
        return round(LEFT + (pw * i / (n - 1) if n > 1 else pw / 2), 1)

    def y(v: Decimal | float) -> float:
        return round(TOP + ph * (1 - float(v) / 100), 1)

    def series(values: list[Decimal | None]) -> dict[str, Any]:
        pts = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
        return {"points": " ".join(f"{a},{b}" for a, b in pts),
                "markers": pts, "last": pts[-1] if pts else None,
                "last_value": next((v for v in reversed(values) if v is not None), None)}

    fin = [min(r.financial_pct, Decimal(100)) if r.financial_pct is not None else None for r in rows]
    return {
        "empty": False, "width": W, "height": H,
        "plot": {"left": LEFT, "right": W - RIGHT, "top": TOP, "bottom": H - BOTTOM},
        "grid": [{"y": y(v), "label": f"{v}%"} for v in (0, 25, 50, 70, 100)],
        "months": [{"x": x(i), "label": f"{MONTHS[r.report.month.month - 1]}"
                    + (f" {r.report.month:%y}" if i == 0 or r.report.month.month == 1 else "")}
                   for i, r in enumerate(rows)],
        "planned": series([r.report.planned_physical for r in rows]),
        "actual": series([r.report.actual_physical for r in rows]),
        "financial": series(fin),
        "label_x": W - RIGHT + 8,
    }


# --- dependencies -------------------------------------------------------------------------------


@dataclass
class AtRisk:
    item: Milestone
    downstream: list[Milestone]
    harm: int
    projects: list[Project]
    agencies: list[Agency]
    objectives: list[Any] = field(default_factory=list)
    indicators: list[Any] = field(default_factory=list)


@dataclass
class AgencyHarm:
    agency: Agency
    harm: int
    victims: list[Agency]
    late_items: int


@dataclass
class DependencyAnalysis:
    as_of: dt.date
    milestones: dict[int, Milestone]
    dependencies: list[Dependency]
    at_risk: list[AtRisk]
    ranking: list[AgencyHarm]
    blocking: set[int] = field(default_factory=set)
    risky: set[int] = field(default_factory=set)


def dependency_analysis(as_of: dt.date) -> DependencyAnalysis:
    """Every blocking milestone of the Pemda with what it puts at risk, and the agency ranking.

    Five queries: milestones (with agency and project), dependencies, agencies, and the plan
    objectives and indicators linked to the projects at risk.
    """
    milestones = list(Milestone.objects.select_related("agency", "project").order_by("pk"))
    deps = list(Dependency.objects.order_by("pk"))
    ids = [m.pk for m in milestones]
    index = {pk: i for i, pk in enumerate(ids)}
    owners = [m.agency_id for m in milestones]
    blocking = [i for i, m in enumerate(milestones) if m.is_blocking(as_of)]
    done = [i for i, m in enumerate(milestones) if m.is_done()]
    result = analysis.propagate(owners, [(index[d.upstream_id], index[d.downstream_id])
                                         for d in deps], blocking, done)
    agencies = {a.pk: a for a in Agency.objects.all()}
    at_risk = []
    risky: set[int] = set()
    for i in result.late:
        down = [milestones[j] for j in result.downstream(i)]
        risky |= {m.pk for m in down}
        projects = list({m.project_id: m.project for m in down}.values())
        others = sorted({m.agency_id for m in down} - {owners[i]})
        at_risk.append(AtRisk(milestones[i], down, result.harm[i], projects,
                              [agencies[a] for a in others]))
    _plan_items_at_risk(at_risk)
    at_risk.sort(key=lambda r: (-r.harm, -len(r.downstream), r.item.planned_date, r.item.pk))
    late_count: dict[int, int] = defaultdict(int)
    for i in result.late:
        late_count[owners[i]] += 1
    ranking = [AgencyHarm(agencies[a], h, sorted((agencies[v] for v in result.agency_victims[a]),
                                                  key=lambda x: x.code), late_count[a])
               for a, h, _n in result.ranking()]
    return DependencyAnalysis(as_of, {m.pk: m for m in milestones}, deps, at_risk, ranking,
                              {milestones[i].pk for i in result.late}, risky)


def _plan_items_at_risk(rows: list[AtRisk]) -> None:
    """Plan objectives and indicators linked to the late item's project or any project downstream
    (an indicator depends on the milestones of the projects that move it). Two queries."""
    wanted = {p.pk for r in rows for p in r.projects} | {r.item.project_id for r in rows}
    objectives: dict[int, list[Any]] = defaultdict(list)
    for link in ProjectObjective.objects.filter(project_id__in=wanted).select_related("objective"):
        objectives[link.project_id].append(link.objective)
    indicators: dict[int, list[Any]] = defaultdict(list)
    for ilink in ProjectIndicator.objects.filter(project_id__in=wanted).select_related("indicator"):
        indicators[ilink.project_id].append(ilink.indicator)
    for r in rows:
        pids = [r.item.project_id, *(p.pk for p in r.projects)]
        r.objectives = list({o.pk: o for pid in pids for o in objectives[pid]}.values())
        r.indicators = list({i.pk: i for pid in pids for i in indicators[pid]}.values())


def milestone_state(m: Milestone, da: DependencyAnalysis) -> tuple[str, str]:
    """(code, label) of a milestone's state for display: text, never colour alone."""
    if m.actual_date is not None:
        return ("done_late", "Selesai terlambat") if m.actual_date > m.planned_date else ("done", "Selesai")
    if m.pk in da.blocking:
        return "late", "Terlambat"
    if m.pk in da.risky:
        return "at_risk", "Berisiko (hulu terlambat)"
    return "open", "Berjalan"


# --- the organs view ----------------------------------------------------------------------------


def organs(da: DependencyAnalysis) -> TemplateContext:
    """Agencies as nodes, aggregated dependencies as edges (upstream agency → downstream agency).

    Layout by networkx (spring layout, fixed seed: the same picture on every load).
    """
    import networkx as nx

    edges: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: {"n": 0, "late": 0})
    nodes: set[int] = set()
    for d in da.dependencies:
        up, down = da.milestones[d.upstream_id], da.milestones[d.downstream_id]
        nodes |= {up.agency_id, down.agency_id}
        if up.agency_id == down.agency_id:
            continue
        e = edges[(up.agency_id, down.agency_id)]
        e["n"] += 1
        e["late"] += up.pk in da.blocking
    if not nodes:
        return {"empty": True}
    agencies = {m.agency_id: m.agency for m in da.milestones.values()}
    late_by_agency: dict[int, int] = defaultdict(int)
    for pk in da.blocking:
        late_by_agency[da.milestones[pk].agency_id] += 1
    risky_by_agency: dict[int, int] = defaultdict(int)
    for pk in da.risky:
        risky_by_agency[da.milestones[pk].agency_id] += 1
    g = nx.DiGraph()
    g.add_nodes_from(sorted(nodes))
    g.add_edges_from(edges)
    pos = nx.spring_layout(g, seed=7, k=1.6 / max(len(nodes), 1) ** 0.5)
    w, h, pad = 760, 520, 70
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1, (max(ys) - min(ys)) or 1

    def place(a: int) -> tuple[float, float]:
        px, py = pos[a]
        return (round(pad + (w - 2 * pad) * (px - min(xs)) / span_x, 1),
                round(pad + (h - 2 * pad) * (py - min(ys)) / span_y, 1))

    node_rows = []
    for a in sorted(nodes, key=lambda a: agencies[a].code):
        x, y = place(a)
        late, risky = late_by_agency[a], risky_by_agency[a]
        state = "late" if late else ("at_risk" if risky else "ok")
        label = (f"{late} terlambat" if late else (f"{risky} berisiko" if risky else "lancar"))
        node_rows.append({"agency": agencies[a], "x": x, "y": y, "state": state, "label": label})
    edge_rows = []
    r = 30
    for (ua, da_), e in sorted(edges.items()):
        (x1, y1), (x2, y2) = place(ua), place(da_)
        dx, dy = x2 - x1, y2 - y1
        dist = max((dx * dx + dy * dy) ** 0.5, 1)
        edge_rows.append({
            "up": agencies[ua], "down": agencies[da_], "n": e["n"], "late": e["late"],
            "state": "late" if e["late"] else "ok",
            "x1": round(x1 + dx / dist * r, 1), "y1": round(y1 + dy / dist * r, 1),
            "x2": round(x2 - dx / dist * (r + 8), 1), "y2": round(y2 - dy / dist * (r + 8), 1),
            "mx": round((x1 + x2) / 2, 1), "my": round((y1 + y2) / 2 - 4, 1),
        })
    return {"empty": False, "width": w, "height": h, "nodes": node_rows, "edges": edge_rows}
