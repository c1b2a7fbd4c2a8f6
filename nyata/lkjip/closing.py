"""What is still missing before a fiscal year can be closed: the one definition of a year's gaps.

A year is complete when, for every active agency, the fourth quarter's realisation of every
indicator of its PK in force is verified (accepted by the inspectorate). The count per agency is
the reporting board's (`reporting.queries.board`), so the close and the board never disagree.
An active agency with no PK in force for the year is a gap too: it has nothing to report on.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from nyata.core.models import Agency, FiscalYear, Quarter
from nyata.core.typealiases import JSONObject
from nyata.reporting.models import Status
from nyata.reporting.queries import board


@dataclass(frozen=True)
class YearGap:
    agency_id: int
    code: str
    name: str
    has_pk: bool
    indicators: int
    verified: int

    @property
    def missing(self) -> int:
        return self.indicators - self.verified

    @property
    def label(self) -> str:
        if not self.has_pk:
            return _("%(agency)s: belum ada PK yang berlaku") % {"agency": self.name}
        return _("%(agency)s: %(missing)d dari %(total)d indikator TW IV belum terverifikasi") % {
            "agency": self.name, "missing": self.missing, "total": self.indicators}

    def as_json(self) -> JSONObject:
        return {"agency_id": self.agency_id, "code": self.code, "name": self.name, "has_pk": self.has_pk,
                "indicators": self.indicators, "verified": self.verified}


def year_gaps(fiscal_year: FiscalYear) -> list[YearGap]:
    """The agencies whose fourth quarter is not fully verified, in agency-code order."""
    agencies = Agency.objects.filter(is_active=True)
    q4 = Quarter.objects.filter(fiscal_year=fiscal_year, number=4).select_related("fiscal_year").first()
    rows = {r.agency.pk: r for r in board(q4, agencies)} if q4 is not None else {}
    gaps = []
    for a in agencies.order_by("code"):
        row = rows.get(a.pk)
        if row is None:
            gaps.append(YearGap(a.pk, a.code, a.name, False, 0, 0))
            continue
        verified = row.counts.get(Status.ACCEPTED, 0)
        if verified < row.indicators:
            gaps.append(YearGap(a.pk, a.code, a.name, True, row.indicators, verified))
    return gaps
