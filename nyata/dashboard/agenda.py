"""What needs a decision first: the agenda the leaders' home and the meeting pack open with.

One function, `agenda`, builds it from the ranking rows and red flags the caller already holds
plus five queries (critical contracts take two), whatever the number of agencies:

* agencies off track or late: the red flags `not_reported`, `late` and `off_track`, one line per
  agency (the flags decide; an agency waiting for the inspectorate is not late);
* critical contracts: strategic projects whose latest progress report is critical by the
  critical-contract rule (`projects.analysis.deviation_status`);
* corrective actions past their due date, still open or in progress;
* meeting commitments past their due date, still open;
* values awaiting verification past their deadline: submitted, not yet verified, and the
  quarter's report deadline has passed (the leaders' meeting reads verified values only).

Agency roles see only their own agencies' lines (`own`). Every line links to its detail page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Min
from django.urls import reverse

from nyata.core.models import Agency
from nyata.dashboard.models import Commitment
from nyata.dashboard.queries import AgencyRow, Period, RedFlag
from nyata.projects.analysis import DeviationStatus
from nyata.projects.models import Project
from nyata.projects.queries import project_states
from nyata.reporting.models import CorrectiveAction, Realisation, Status

# Lines shown per section: the agenda fits one screen (and one PDF page); the rest is counted.
SHOWN = 3
AGENCY_FLAGS = ("not_reported", "late", "off_track")


@dataclass
class Line:
    agency: Agency | None
    what: str  # data: a project, an action, a commitment; empty for agency lines
    url: str
    count: int = 0  # off-track indicators, values waiting
    kinds: tuple[str, ...] = ()  # agency lines: which of AGENCY_FLAGS
    due: dt.date | None = None
    detail: str = ""  # data: the red flag's own detail, the project's deviation


@dataclass
class Section:
    key: str  # agencies | contracts | actions | commitments | verification
    lines: list[Line] = field(default_factory=list)

    @property
    def shown(self) -> list[Line]:
        return self.lines[:SHOWN]

    @property
    def more(self) -> int:
        return max(0, len(self.lines) - SHOWN)


@dataclass
class Agenda:
    sections: list[Section]

    @property
    def total(self) -> int:
        return sum(len(s.lines) for s in self.sections)


def _agency_lines(rows: Iterable[AgencyRow], flags: Iterable[RedFlag], period: Period,
                  own: set[int] | None) -> list[Line]:
    by_agency: dict[int, list[RedFlag]] = defaultdict(list)
    for f in flags:
        if f.kind in AGENCY_FLAGS and (own is None or f.agency.pk in own):
            by_agency[f.agency.pk].append(f)
    query = f"?periode={period.year}-{period.quarter}"
    out = []
    for r in rows:  # in ranking order
        mine = by_agency.get(r.agency.pk)
        if not mine:
            continue
        kinds = tuple(k for k in AGENCY_FLAGS if any(f.kind == k for f in mine))
        off = sum(1 for f in mine if f.kind == "off_track")
        report = next((f.detail for f in mine if f.kind != "off_track"), "")
        out.append(Line(r.agency, "", reverse("dash_agency", args=[r.agency.pk]) + query, off, kinds, None, report))
    # not reporting first, then late, then the most indicators off track
    return sorted(out, key=lambda x: ("not_reported" not in x.kinds, "late" not in x.kinds, -x.count))


def _contract_lines(own: set[int] | None) -> list[Line]:
    projects = Project.objects.select_related("owner_agency").order_by("code")
    if own is not None:
        projects = projects.filter(owner_agency_id__in=own)
    out = []
    for state in project_states(projects):
        latest = state.latest
        if latest is None or latest.status != DeviationStatus.CRITICAL:
            continue
        p = state.project
        out.append(Line(p.owner_agency, p.name, reverse("project_detail", args=[p.pk]),
                        detail=f"{latest.deviation:+.2f}".replace(".", ",")))
    return sorted(out, key=lambda x: float(x.detail.replace(",", ".")))


def _action_lines(today: dt.date, own: set[int] | None) -> list[Line]:
    qs = CorrectiveAction.objects.filter(
        state__in=[CorrectiveAction.State.OPEN, CorrectiveAction.State.IN_PROGRESS], due__lt=today)
    if own is not None:
        qs = qs.filter(agency_id__in=own)
    return [Line(a.agency, a.description, reverse("report_self_critique", args=[a.agency_id, a.critique.quarter_id]),
                 due=a.due, detail=a.owner)
            for a in qs.select_related("agency", "critique").order_by("due", "pk")]


def _commitment_lines(today: dt.date, own: set[int] | None) -> list[Line]:
    qs = Commitment.objects.filter(state=Commitment.State.OPEN, due__lt=today)
    if own is not None:
        qs = qs.filter(agency_id__in=own)
    return [Line(c.agency, c.what, reverse("dash_commitments") + f"?periode={c.year}-{c.quarter}",
                 due=c.due, detail=c.owner)
            for c in qs.select_related("agency").order_by("due", "pk")]


def _verification_lines(today: dt.date, own: set[int] | None) -> list[Line]:
    qs = Realisation.objects.filter(status=Status.SUBMITTED, quarter__report_deadline__lt=today)
    if own is not None:
        qs = qs.filter(agency_id__in=own)
    groups = (qs.values("agency_id", "agency__code", "agency__name", "agency__abbreviation", "quarter_id")
              .annotate(n=Count("pk"), deadline=Min("quarter__report_deadline")).order_by("deadline", "agency__code"))
    return [Line(Agency(pk=g["agency_id"], code=g["agency__code"], name=g["agency__name"],
                        abbreviation=g["agency__abbreviation"]),
                 "", reverse("report_entry", args=[g["agency_id"], g["quarter_id"]]), count=g["n"], due=g["deadline"])
            for g in groups]


def agenda(rows: list[AgencyRow], flags: list[RedFlag], period: Period, today: dt.date,
           own: set[int] | None = None) -> Agenda:
    """The exceptions of the period, by section, each line linking to its detail."""
    return Agenda([
        Section("agencies", _agency_lines(rows, flags, period, own)),
        Section("contracts", _contract_lines(own)),
        Section("actions", _action_lines(today, own)),
        Section("commitments", _commitment_lines(today, own)),
        Section("verification", _verification_lines(today, own)),
    ])
