"""The coordination-meeting pack (*bahan rapat koordinasi*): PDF via Typst, and the Excel export.

The layout lives in `typst/pack.typ` (readable source). This module gathers the stored numbers
(a fixed number of queries, however many agencies) into one JSON document that the template
reads from `sys.inputs.data`; charts are the same SVG as on the pages.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import typst
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from nyata.core import anchors
from nyata.core.models import Agency, Pemda, Quarter
from nyata.core.typealiases import JSONObject
from nyata.core.xlsx import build_workbook
from nyata.dashboard import agenda, charts, queries
from nyata.dashboard.models import Commitment
from nyata.reporting.models import CorrectiveAction, ScoreSnapshot, SelfCritique

TEMPLATE = Path(__file__).resolve().parent / "typst" / "pack.typ"
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]
N = charts.number


def date_id(d: dt.date | None) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if d else ""


def _cat(code: str) -> str:
    return str(charts.CATEGORY_LABELS.get(code or "", code))


def earlier_commitments(period: queries.Period) -> QuerySet[Commitment]:
    """Commitments of every meeting before this period's (the follow-up the pack opens with)."""
    return (Commitment.objects.filter(Q(year__lt=period.year) | Q(year=period.year, quarter__lt=period.quarter))
            .select_related("agency", "indicator", "project").order_by("year", "quarter", "due", "pk"))


def pack_data(pemda: Pemda, period: queries.Period, agencies: QuerySet[Agency]) -> JSONObject:
    """The pack is an Indonesian document (its template and numbers are), whatever the reader's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _pack_data(pemda, period, agencies)


def _pack_data(pemda: Pemda, period: queries.Period, agencies: QuerySet[Agency]) -> dict[str, Any]:
    if period.quarter_obj is None:
        period = queries.Period(period.year, period.quarter, Quarter.objects.filter(
            fiscal_year__year=period.year, number=period.quarter).select_related("fiscal_year").first())
    rows = queries.ranking(period, agencies)
    names = queries.indicator_names(rows)
    flags = queries.red_flags(rows, period, names)
    today = timezone.localdate()
    ids = [r.agency.pk for r in rows]
    year_snaps: dict[int, dict[int, ScoreSnapshot]] = defaultdict(dict)
    for s in ScoreSnapshot.objects.filter(year=period.year, agency_id__in=ids).only(
            "agency_id", "quarter", "score", "rank", "category"):
        year_snaps[s.agency_id][s.quarter] = s
    critiques = {c.agency_id: c for c in SelfCritique.objects.filter(
        quarter__fiscal_year__year=period.year, quarter__number=period.quarter, agency_id__in=ids)
        .prefetch_related("gaps", "causes__depends_on", "actions")}
    open_actions: dict[int, list[CorrectiveAction]] = defaultdict(list)
    for a in CorrectiveAction.objects.filter(
            agency_id__in=ids, state__in=[CorrectiveAction.State.OPEN, CorrectiveAction.State.IN_PROGRESS]
    ).order_by("due", "pk"):
        open_actions[a.agency_id].append(a)
    follow = queries.follow_up(earlier_commitments(period), period)
    open_commitments: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for f in follow:
        if f["c"].state == "open":
            open_commitments[f["c"].agency_id].append(f)

    labels = [queries.quarter_label(period.year, q)[:-5] for q in range(1, 5)]
    ranking_svg = charts.ranking_bars(
        [charts.Bar(str(r.agency), r.score, r.category) for r in rows],
        title=f"Peringkat perangkat daerah {period.label}", chart_id="pack-rank", width=620)
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r.category or ""] += 1
    scored = [r.score for r in rows if r.score is not None]
    per_agency = []
    for r in rows:
        a = r.agency
        mine = year_snaps[a.pk]
        trend = [mine[q].score if q in mine and q <= period.quarter else None for q in range(1, 5)]
        c = critiques.get(a.pk)
        acts = open_actions.get(a.pk, [])
        per_agency.append({
            "code": a.code, "name": a.name, "short": str(a), "score": N(r.score) + _provisional(r),
            "category": _cat(r.category),
            "category_code": charts.CATEGORIES.get(r.category, charts.CATEGORIES[""])[2],
            "rank": str(r.rank or "—"), "change": "—" if r.change is None else f"{r.change:+.2f}".replace(".", ","),
            "completeness": N(r.completeness, 0),
            "promised": r.promised, "verified": r.verified, "on_target": r.on_target,
            "absorption": N(r.absorption, 1),
            "trend_svg": str(charts.sparkline(trend, labels, title=f"Tren skor {a}", chart_id=f"t{a.pk}",
                                              width=260, height=60)),
            "indicators": [{"name": names.get(i["indicator"], i["indicator"]), "target": N(i.get("target")),
                            "realisation": N(i.get("realisation")), "ytd": N(i.get("ytd_achievement")),
                            "category": charts.CATEGORIES.get(i.get("ytd_category") or "", charts.CATEGORIES[""])[2],
                            "flags": ", ".join(str(queries.FLAG_LABELS.get(f, f)) for f in i.get("flags", []))}
                           for i in (r.snap.indicators if r.snap else [])],
            "summary": c.summary if c else "",
            "critique_state": c.get_state_display() if c else "Belum ada otokritik",
            "gaps": [g.description + (f" (selisih {N(float(g.size))})" if g.size is not None else "")
                     for g in (c.gaps.all() if c else [])],
            "causes": [f"{cause.get_category_display()}: {cause.text}"
                       + (f" — menunggu {cause.depends_on}" if cause.depends_on else "")
                       for cause in (c.causes.all() if c else [])],
            "actions": [{"what": x.description, "owner": x.owner, "due": date_id(x.due),
                         "state": x.get_state_display(), "overdue": x.due < today} for x in acts],
            "commitments": [{"what": f["c"].what, "due": date_id(f["c"].due), "overdue": f["overdue"],
                             "verdict": str(queries.VERDICTS[f["verdict"]])} for f in open_commitments.get(a.pk, [])],
            "flags": [f"{f.label}: {f.detail}" for f in flags if f.agency.pk == a.pk],
        })
    projects = queries.projects_summary(today)
    return {
        "anchor": anchor_data(pemda),
        "agenda": agenda_data(agenda.agenda(rows, flags, period, today)),
        "title": f"Bahan Rapat Koordinasi Kinerja {period.label}",
        "pemda": pemda.name, "head_title": pemda.head_title, "period": period.label,
        "generated": date_id(today),
        "headlines": [{"name": h.name, "unit": h.unit,
                       "target": N(h.target) + ("" if h.target_high is None else "–" + N(h.target_high)),
                       "actual": N(h.actual),
                       "year": str(h.actual_year or ""), "achievement": N(h.achievement),
                       "source": h.source[:120]} for h in queries.headline_indicators(period.year)],
        "summary": {"agencies": len(rows), "scored": len(scored),
                    "average": N(sum(scored) / len(scored)) if scored else "—",
                    "categories": [{"label": _cat(k), "n": counts.get(k, 0)}
                                   for k in ("sangat_tinggi", "tinggi", "sedang", "rendah", "sangat_rendah", "")],
                    "flags": len(flags)},
        "ranking": [{"rank": str(r.rank or "—"), "name": str(r.agency), "score": N(r.score) + _provisional(r),
                     "category": _cat(r.category), "change": "—" if r.change is None else
                     f"{r.change:+.2f}".replace(".", ","), "completeness": N(r.completeness, 0)} for r in rows],
        "ranking_svg": str(ranking_svg),
        # fit the bar chart on one page: 17.4 cm wide at most, 21 cm high at most
        "ranking_height": round(min(21.0, 17.4 * (50 + 22 * max(len(rows), 1)) / 620), 2),
        "legend_svg": str(charts.legend("pack-legend", width=700)),
        "flags": [{"agency": str(f.agency), "label": f.label, "detail": f.detail} for f in flags[:80]],
        "flags_more": max(0, len(flags) - 80),
        "follow_up": [{"meeting": queries.quarter_label(f["c"].year, f["c"].quarter), "agency": str(f["c"].agency),
                       "what": f["c"].what, "owner": f["c"].owner, "due": date_id(f["c"].due),
                       "state": f["c"].get_state_display(), "verdict": str(queries.VERDICTS[f["verdict"]]),
                       "verdict_code": f["verdict"], "illustrative": f["c"].is_illustrative} for f in follow],
        "agencies": per_agency,
        "projects": [{"name": p["project"].name, "agency": str(p["project"].owner_agency),
                      "status": p["project"].get_status_display(), "late": p["late"],
                      "illustrative": p["project"].is_illustrative}
                     for p in (projects["rows"] if projects else [])],
    }


def anchor_data(pemda: Pemda) -> JSONObject | None:
    """The Pemda's latest audit-chain anchor, printed so that paper, too, holds the chain's head:
    history before it cannot be rewritten without `nyata audit verify` showing where."""
    state = anchors.read(pemda)
    if not state.anchors:
        return {"seq": None, "hash": "", "at": "", "problem": bool(state.problem)}
    a = state.anchors[-1]
    at = timezone.localtime(a.anchored_at_dt)
    return {"seq": str(a.seq), "hash": a.short_hash, "at": f"{date_id(at)} {at:%H.%M} {at.tzname() or ''}".strip(),
            "problem": bool(state.problem)}


AGENDA_TITLES = {
    "agencies": "Perangkat daerah tidak sesuai jalur atau terlambat",
    "contracts": "Kontrak kritis",
    "actions": "Tindakan perbaikan lewat tenggat",
    "commitments": "Komitmen rapat lewat tenggat",
    "verification": "Menunggu verifikasi melewati batas laporan",
}


def _agenda_line(key: str, line: agenda.Line) -> str:
    if key == "agencies":
        parts = ["tidak melapor" if "not_reported" in line.kinds else "laporan terlambat"
                 if "late" in line.kinds else ""]
        if line.count:
            parts.append(f"{line.count} indikator diproyeksikan tidak tercapai")
        return f"{line.agency} — " + " · ".join(p for p in parts if p)
    if key == "contracts":
        return f"{line.what} — {line.agency} · deviasi {line.detail} poin"
    if key == "verification":
        return f"{line.agency} — {line.count} nilai menunggu verifikasi · batas laporan {date_id(line.due)}"
    return f"{line.what} — {line.agency} · tenggat {date_id(line.due)}"


def agenda_data(ag: agenda.Agenda) -> JSONObject:
    """The one-page agenda the pack opens with: the same lines as the dashboard's, in Indonesian."""
    return {"total": ag.total, "sections": [
        {"title": AGENDA_TITLES[s.key], "n": len(s.lines), "lines": [_agenda_line(s.key, x) for x in s.shown],
         "more": s.more} for s in ag.sections if s.lines]}


def render_pdf(data: JSONObject) -> bytes:
    pdf: bytes = typst.compile(str(TEMPLATE), root=str(TEMPLATE.parent),
                               sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
                               timestamp=int(timezone.now().timestamp()))
    return pdf


def _provisional(r: queries.AgencyRow) -> str:
    """Values awaiting verification are left out of the score: say so beside it (domain.md A1)."""
    return f" (sementara: {r.awaiting} menunggu verifikasi)" if r.awaiting else ""


def ranking_workbook(period: queries.Period, rows: list[queries.AgencyRow]) -> bytes:
    """Rankings and scores of the period, plus every indicator's stored result behind them."""
    header = ["Peringkat", "Kode", "Perangkat daerah", "Jenis", "Skor", "Kategori", "Perubahan skor",
              "Peringkat sebelumnya", "Kelengkapan (%)", "Indikator PK", "Terverifikasi", "Memenuhi target",
              "Serapan anggaran (%)", "Tanda bahaya"]
    data = [[r.rank, r.agency.code, r.agency.name, r.agency.get_kind_display(), r.score, _cat(r.category),
             r.change, r.prev.rank if r.prev else None, r.completeness, r.promised, r.verified, r.on_target,
             r.absorption, ", ".join(r.flags)] for r in rows]
    ind_header = ["Kode perangkat daerah", "Kode indikator", "Target", "Realisasi", "Capaian (%)", "Kategori",
                  "Capaian s.d. triwulan (%)", "Kategori s.d. triwulan", "Tanda"]
    ind_rows = [[r.agency.code, i.get("indicator"), i.get("target"), i.get("realisation"), i.get("achievement"),
                 i.get("category"), i.get("ytd_achievement"), i.get("ytd_category"), ", ".join(i.get("flags", []))]
                for r in rows if r.snap for i in r.snap.indicators]
    return build_workbook(
        [("Peringkat", header, data), ("Indikator", ind_header, ind_rows)],
        instructions=[f"Peringkat dan skor perangkat daerah {period.label}.",
                      "Sumber: skor tersimpan mesin penilaian Nyata (hanya nilai terverifikasi inspektorat).",
                      f"Dibuat {date_id(timezone.localdate())}."],
    )
