"""The LKjIP of one agency and year as plain data (PermenPANRB 53/2014 Lampiran II).

Every figure carries where it came from: the model, primary key and version of the stored value
(`Source`). A figure is printed as a number only when every value behind it is verified; otherwise
it is marked *belum terverifikasi* and listed in the report's warnings. Nothing is scored here:
the year's realisation and achievement are the scoring engine's, read from the fourth quarter's
`ScoreSnapshot` (`reporting.scores.recompute` stores them), so the report and the dashboard never
disagree; the year's target is the PK in force's (`agreements.services.current_agreement`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from django.utils.translation import gettext as _

from nyata.agreements.models import AgreementIndicator
from nyata.agreements.services import current_agreement
from nyata.core.models import Agency
from nyata.core.typealiases import JSONObject
from nyata.lkjip.models import YearClosing
from nyata.planning.models import IndicatorActual
from nyata.reporting.models import Realisation, RealisationVersion, ScoreSnapshot, Status

UNVERIFIED = "belum terverifikasi"  # the mark itself; shown translated through `Figure.text`
PREVIOUS_YEARS = 3


@dataclass(frozen=True)
class Source:
    """One stored value a figure came from: `model` is the app label and model, lower case."""

    model: str
    pk: int
    version: int | None = None  # the version row's id (RealisationVersion), or the record's version number
    field: str = ""  # the field (or key of a stored JSON row) that holds the value

    def as_json(self) -> JSONObject:
        return {"model": self.model, "pk": self.pk, "version": self.version, "field": self.field}


@dataclass(frozen=True)
class Figure:
    key: str  # what the figure is, e.g. "A1.I1/2026/realisasi"
    value: Decimal | None
    sources: tuple[Source, ...]
    verified: bool

    @property
    def text(self) -> str:
        return str(self.value) if self.verified and self.value is not None else _("belum terverifikasi")


@dataclass
class IndicatorRow:
    code: str
    name: str
    unit: str
    target: Figure
    realisation: Figure
    achievement: Figure
    previous: list[tuple[int, Figure]] = field(default_factory=list)

    def figures(self) -> Iterator[Figure]:
        yield self.target
        yield self.realisation
        yield self.achievement
        for _year, f in self.previous:
            yield f


@dataclass
class ObjectiveSection:
    name: str
    rows: list[IndicatorRow] = field(default_factory=list)


@dataclass
class Chapter:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    objectives: list[ObjectiveSection] = field(default_factory=list)


@dataclass
class Report:
    agency_code: str
    agency_name: str
    year: int
    chapters: list[Chapter]
    warnings: list[str]

    def figures(self) -> Iterator[Figure]:
        for c in self.chapters:
            for o in c.objectives:
                for r in o.rows:
                    yield from r.figures()


def _dec(v: object) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def _snapshot_entry(snapshot: ScoreSnapshot | None, code: str) -> JSONObject | None:
    if snapshot is None:
        return None
    for entry in snapshot.indicators:
        if entry.get("indicator") == code:
            return cast("JSONObject", entry)
    return None


def _indicator_row(ai: AgreementIndicator, year: int, snapshot: ScoreSnapshot | None,
                   quarters: dict[int, tuple[Realisation, RealisationVersion | None]]) -> IndicatorRow:
    code = ai.indicator.code
    base = f"{code}/{year}"
    target = Figure(f"{base}/target", ai.annual_target,
                    (Source("agreements.agreementindicator", ai.pk, ai.agreement.version, "annual_target"),), True)
    entry = _snapshot_entry(snapshot, code)
    behind = tuple(
        Source("reporting.realisation", r.pk, v.pk if v is not None else None, "value")
        for _n, (r, v) in sorted(quarters.items())
    )
    all_verified = (len(quarters) == 4 and all(r.status == Status.ACCEPTED and v is not None
                                               for r, v in quarters.values()))
    snap_src = (Source("reporting.scoresnapshot", snapshot.pk, None, f"{code}.ytd_realisation"),) if snapshot else ()
    realisation = Figure(f"{base}/realisasi", _dec(entry.get("ytd_realisation")) if entry else None,
                         snap_src + behind, all_verified and entry is not None
                         and entry.get("ytd_realisation") is not None)
    ach_src = (Source("reporting.scoresnapshot", snapshot.pk, None, f"{code}.ytd_achievement"),) if snapshot else ()
    achievement = Figure(f"{base}/capaian", _dec(entry.get("ytd_achievement")) if entry else None,
                         ach_src + behind, realisation.verified and entry is not None
                         and entry.get("ytd_achievement") is not None)
    return IndicatorRow(code, ai.name, ai.unit, target, realisation, achievement)


def _closed_with_gaps(year: int) -> list[str]:
    """When the year's last close kept gaps, the report says so first, with the recorded reason."""
    last = YearClosing.objects.filter(fiscal_year__year=year).order_by("-at", "-pk").first()
    if last is None or last.kind != YearClosing.Kind.CLOSED or not last.gaps:
        return []
    return [_("Tahun %(year)s ditutup dengan data belum lengkap (%(agencies)s). Alasan: %(reason)s")
            % {"year": year, "agencies": ", ".join(str(g.get("name", "")) for g in last.gaps),
               "reason": last.reason}]


def build(agency: Agency, year: int) -> Report:
    """The report's structure for one agency and year, inside the agency's Pemda scope."""
    pk = current_agreement(agency=agency, year=year)
    warnings: list[str] = _closed_with_gaps(year)
    chapters = [
        Chapter("ikhtisar", _("Ikhtisar Eksekutif")),
        Chapter("bab1", _("Bab I Pendahuluan")),
        Chapter("bab2", _("Bab II Perencanaan Kinerja")),
        Chapter("bab3", _("Bab III Akuntabilitas Kinerja")),
        Chapter("bab4", _("Bab IV Penutup")),
        Chapter("lampiran", _("Lampiran")),
    ]
    if pk is None:
        warnings.append(_("%(agency)s belum memiliki PK yang ditandatangani untuk tahun %(year)s.")
                        % {"agency": agency.name, "year": year})
        return Report(agency.code, agency.name, year, chapters, warnings)
    ais = list(AgreementIndicator.objects.filter(agreement=pk).select_related("indicator", "agreement")
               .order_by("order", "pk"))
    snapshot = ScoreSnapshot.objects.filter(agency=agency, year=year, quarter=4).first()
    realisations = list(Realisation.objects.filter(agreement_indicator__in=ais, quarter__fiscal_year__year=year)
                        .select_related("quarter"))
    # the version row that holds each realisation's current value (its number is the row's version)
    versions = {(v.realisation_id, v.number): v for v in RealisationVersion.objects.filter(
        realisation__in=realisations)}
    per_ai: dict[int, dict[int, tuple[Realisation, RealisationVersion | None]]] = {}
    for r in realisations:
        per_ai.setdefault(r.agreement_indicator_id, {})[r.quarter.number] = (r, versions.get((r.pk, r.version)))
    actuals: dict[int, list[IndicatorActual]] = {}
    for a in IndicatorActual.objects.filter(indicator_id__in=[ai.indicator_id for ai in ais],
                                            year__lt=year, year__gte=year - PREVIOUS_YEARS).order_by("year"):
        actuals.setdefault(a.indicator_id, []).append(a)
    sections: dict[str, ObjectiveSection] = {}
    for ai in ais:
        row = _indicator_row(ai, year, snapshot, per_ai.get(ai.pk, {}))
        for a in actuals.get(ai.indicator_id, []):
            row.previous.append((a.year, Figure(f"{row.code}/{a.year}/realisasi", a.value,
                                                (Source("planning.indicatoractual", a.pk, None, "value"),),
                                                bool(a.source.strip()))))
        sections.setdefault(ai.objective_text, ObjectiveSection(ai.objective_text)).rows.append(row)
        for f in row.figures():
            if not f.verified:
                warnings.append(_("%(indicator)s (%(key)s): belum terverifikasi")
                                % {"indicator": ai.name, "key": f.key})
    chapters[3].objectives = list(sections.values())
    return Report(agency.code, agency.name, year, chapters, warnings)
