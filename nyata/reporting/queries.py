"""Read-side helpers of quarterly reporting: signed PK rows, the board, the inbox."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nyata.agreements.models import AgreementIndicator
from nyata.agreements.services import current_agreements, signed_indicators
from nyata.core.models import Agency, Quarter
from nyata.reporting import rules
from nyata.reporting.models import Realisation, SelfCritique, Status, Verification


def open_quarters(today: dt.date | None = None) -> list[Quarter]:
    """Quarters that have started, latest first."""
    today = today or timezone.localdate()
    return list(Quarter.objects.filter(start__lte=today).select_related("fiscal_year").order_by("-start"))


def default_quarter(today: dt.date | None = None) -> Quarter | None:
    """The quarter being reported now: the latest one whose deadline has not long passed."""
    qs = open_quarters(today)
    today = today or timezone.localdate()
    ended = [q for q in qs if q.end < today]
    return ended[0] if ended else (qs[0] if qs else None)


@dataclass
class BoardRow:
    agency: Agency
    indicators: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    late: bool = False
    critique: str = ""

    @property
    def missing(self) -> int:
        return self.indicators - sum(self.counts.values())

    @property
    def with_value(self) -> int:
        return sum(self.counts.values())

    @property
    def state(self) -> str:
        statuses = [s for s, n in self.counts.items() for _ in range(n)]
        return rules.quarter_state(statuses, self.indicators)

    @property
    def percent_final(self) -> int:
        return round(100 * self.counts.get(Status.ACCEPTED, 0) / self.indicators) if self.indicators else 0


def board(quarter: Quarter, agencies: QuerySet[Agency]) -> list[BoardRow]:
    """Completion per agency for one quarter, in a fixed number of queries."""
    year = quarter.fiscal_year.year
    pk_of = current_agreements(year, agencies)
    n_ind = dict(
        AgreementIndicator.objects.filter(agreement_id__in=pk_of.values())
        .values("agreement_id").annotate(n=Count("pk")).values_list("agreement_id", "n")
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    late: set[int] = set()
    for agency_id, status, n, last in (
        Realisation.objects.filter(quarter=quarter, agreement_indicator__agreement_id__in=pk_of.values())
        .exclude(value__isnull=True, status=Status.DRAFT)
        .values("agency_id", "status").annotate(n=Count("pk"), last=_max_submitted())
        .values_list("agency_id", "status", "n", "last")
    ):
        counts[agency_id][status] = n
        if last is not None and timezone.localtime(last).date() > quarter.report_deadline:
            late.add(agency_id)
    critiques = dict(SelfCritique.objects.filter(quarter=quarter).values_list("agency_id", "state"))
    rows = []
    for a in agencies.order_by("code"):
        if a.pk not in pk_of:
            continue
        rows.append(BoardRow(a, n_ind.get(pk_of[a.pk], 0), counts.get(a.pk, {}), a.pk in late,
                             critiques.get(a.pk, "")))
    return rows


def _max_submitted() -> Any:
    from django.db.models import Max

    return Max("submitted_at")


def entry_rows(agency: Agency, quarter: Quarter) -> list[tuple[AgreementIndicator, Realisation | None]]:
    indicators = list(signed_indicators(agency=agency, year=quarter.fiscal_year.year))
    mine = {
        r.agreement_indicator_id: r
        for r in Realisation.objects.filter(agency=agency, quarter=quarter)
        .annotate(n_evidence=Count("evidence"))
    }
    return [(ai, mine.get(ai.pk)) for ai in indicators]


def quarter_target(ai: AgreementIndicator, number: int) -> Decimal | None:
    return cast("Decimal | None", getattr(ai, f"q{number}_target"))


# --- inbox ----------------------------------------------------------------------------------------


def return_comments(realisation_ids: list[int]) -> dict[int, str]:
    """The comment of each realisation's latest return by the inspectorate (one query)."""
    if not realisation_ids:
        return {}
    out: dict[int, str] = {}
    for rid, comment in (Verification.objects.filter(realisation_id__in=realisation_ids,
                                                     verdict=Verification.Verdict.RETURN)
                         .order_by("realisation_id", "at", "pk").values_list("realisation_id", "comment")):
        out[rid] = comment  # later returns overwrite earlier ones
    return out


def inbox(roles: frozenset[str], agency_ids: frozenset[int], today: dt.date | None = None) -> list[rules.InboxItem]:
    """Exactly what is due from this person, earliest deadline first."""
    today = today or timezone.localdate()
    quarters = [q for q in open_quarters(today) if q.fiscal_year.state != "closed"]
    items: list[rules.InboxItem] = []
    returned: list[tuple[Realisation, str, dt.date, str]] = []
    agencies = list(Agency.objects.filter(pk__in=agency_ids))
    for q in quarters:
        year = q.fiscal_year.year
        for a in agencies:
            rows = entry_rows(a, q)
            if not rows:
                continue
            entry_url = reverse("report_entry", args=[a.pk, q.pk])
            if "agency_operator" in roles:
                for ai, r in rows:
                    if r is not None and r.status == Status.RETURNED:
                        returned.append((r, ai.name, q.report_deadline, str(a)))
                    elif r is None or (r.status == Status.DRAFT and r.value is None):
                        items.append(rules.InboxItem("enter", ai.name, _("Isi realisasi %(q)s.") % {"q": q},
                                                     f"{entry_url}#ai-{ai.pk}", q.report_deadline, str(a)))
            if "agency_head" in roles:
                sts = [r.status if r else None for _ai, r in rows]
                ok, _why = rules.can_submit(sts, [bool(r and r.value is not None) for _ai, r in rows])
                if ok:
                    items.append(rules.InboxItem("submit", _("Ajukan realisasi %(q)s") % {"q": q}, str(a),
                                                 reverse("report_submit", args=[a.pk, q.pk]), q.report_deadline,
                                                 str(a)))
                if q.end < today and not SelfCritique.objects.filter(
                    agency=a, quarter=q, state=SelfCritique.State.SUBMITTED
                ).exists():
                    items.append(rules.InboxItem("critique", _("Otokritik %(q)s") % {"q": q}, str(a),
                                                 reverse("report_self_critique", args=[a.pk, q.pk]),
                                                 q.report_deadline, str(a)))
        del year
    notes = return_comments([r.pk for r, *_rest in returned])
    for r, name, deadline, agency in returned:
        items.append(rules.InboxItem("fix", name, _("Dikembalikan inspektorat; perbaiki."),
                                     reverse("report_realisation", args=[r.pk]), deadline, agency,
                                     notes.get(r.pk, "")))
    if "inspector" in roles:
        for r in (
            Realisation.objects.filter(status=Status.SUBMITTED)
            .select_related("agency", "quarter", "agreement_indicator")
            .order_by("quarter__report_deadline", "agency__code")[:200]
        ):
            items.append(rules.InboxItem("verify", r.agreement_indicator.name, f"{r.agency} · {r.quarter}",
                                         reverse("report_realisation", args=[r.pk]), r.quarter.report_deadline,
                                         str(r.agency)))
    return rules.order_inbox(items)
