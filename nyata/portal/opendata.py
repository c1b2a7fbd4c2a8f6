"""The portal's published facts as plain rows: one builder feeds the pages, CSV, JSON and the API.

Only public rows: products marked for the portal, aggregate survey results (never single
answer sheets, never comments that were not approved), and the final facts the other apps
provide through `nyata.portal.sources`. Must run inside `tenant_scope(pemda)`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from nyata.core.models import Agency, Pemda
from nyata.core.typealiases import JSONObject, JSONValue
from nyata.portal import sources
from nyata.products import ikm
from nyata.products.models import Innovation, SurveyResponse
from nyata.products.results import SurveyResult, survey_results, with_totals


def public_innovations(year: int | None = None) -> QuerySet[Innovation]:
    qs = Innovation.objects.filter(is_public=True, agency__is_active=True).select_related("agency", "location")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("agency__code", "-is_flagship", "name")


def public_survey_results(innovations: list[Innovation]) -> dict[int, list[SurveyResult]]:
    from nyata.products.models import Survey

    out: dict[int, list[SurveyResult]] = {}
    qs = with_totals(Survey.objects.filter(innovation__in=[i.pk for i in innovations])).order_by("-year")
    for r in survey_results(qs):
        out.setdefault(r.survey.innovation_id, []).append(r)
    return out


def approved_comments(innovation: Innovation, limit: int = 20) -> list[SurveyResponse]:
    return list(SurveyResponse.objects.filter(
        survey__innovation=innovation, comment_status=SurveyResponse.CommentStatus.APPROVED,
    ).only("comment", "submitted_at").order_by("-submitted_at")[:limit])


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    columns: tuple[str, ...]
    rows: Callable[[Pemda, int], list[dict[str, Any]]]


def _product_rows(pemda: Pemda, year: int) -> list[dict[str, Any]]:
    return [
        {"tahun": i.year, "kode_pd": i.agency.code, "perangkat_daerah": i.agency.name,
         "produk_unggulan": i.is_flagship, "nama": i.name, "jenis": i.kind, "tahap": i.stage,
         "masalah": i.problem, "solusi": i.solution, "sasaran": i.beneficiaries,
         "target_penerima": i.beneficiaries_target, "penerima_terjangkau": i.beneficiaries_reached,
         "lokasi": " ".join(x for x in (str(i.location or ""), i.location_note) if x),
         "anggaran_rp": i.budget, "ilustratif": i.is_illustrative or bool(i.illustrative_note)}
        for i in public_innovations(year)
    ]


def _survey_rows(pemda: Pemda, year: int) -> list[dict[str, Any]]:
    innovations = list(public_innovations())
    names = {i.pk: i for i in innovations}
    rows = []
    for innovation_id, results in public_survey_results(innovations).items():
        for r in results:
            if r.survey.year != year:
                continue
            i = names[innovation_id]
            row: dict[str, Any] = {"tahun": r.survey.year, "kode_pd": i.agency.code, "produk": i.name,
                                   "responden": r.result.respondents, "sampel_minimum": r.minimum_sample}
            row.update({f"nrr_{k}": r.result.nrr[k] for k in ikm.ELEMENT_KEYS})
            row.update({"indeks": r.result.index, "ikm": r.result.ikm, "mutu": r.result.grade,
                        "bobot": r.survey.weighting})
            rows.append(row)
    return sorted(rows, key=lambda x: (x["kode_pd"], x["produk"]))


def _indicator_rows(pemda: Pemda, year: int) -> list[dict[str, Any]]:
    return [{"tahun": year, **asdict(r)} for r in sources.headline_indicators(pemda, year)]


def _result_rows(pemda: Pemda, year: int) -> list[dict[str, Any]]:
    return [{"tahun": year, **asdict(r)} for r in sources.verified_results(pemda, year)]


def _project_rows(pemda: Pemda, year: int) -> list[dict[str, Any]]:
    return [asdict(r) for r in sources.project_progress(pemda)]


def _agreement_rows(pemda: Pemda, year: int) -> list[dict[str, Any]]:
    return [{"tahun": year, **asdict(r)} for r in sources.signed_agreements(pemda, year)]


DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset("produk", "Produk unggulan dan inovasi",
            ("tahun", "kode_pd", "perangkat_daerah", "produk_unggulan", "nama", "jenis", "tahap",
             "masalah", "solusi", "sasaran", "target_penerima", "penerima_terjangkau", "lokasi",
             "anggaran_rp", "ilustratif"), _product_rows),
    Dataset("survei", "Indeks kepuasan masyarakat per produk",
            ("tahun", "kode_pd", "produk", "responden", "sampel_minimum",
             *(f"nrr_{k}" for k in ikm.ELEMENT_KEYS), "indeks", "ikm", "mutu", "bobot"), _survey_rows),
    Dataset("indikator", "Indikator utama terhadap target (terverifikasi)",
            ("tahun", "code", "name", "unit", "target", "target_max", "realisation", "achievement"),
            _indicator_rows),
    Dataset("hasil", "Hasil kinerja perangkat daerah (terverifikasi)",
            ("tahun", "agency_code", "agency_name", "indicator", "unit", "period", "target",
             "realisation", "achievement"), _result_rows),
    Dataset("proyek", "Progres proyek strategis",
            ("name", "agency_name", "location", "planned_percent", "actual_percent"), _project_rows),
    Dataset("perjanjian", "Perjanjian kinerja yang ditandatangani",
            ("tahun", "agency_name", "position", "signed_on", "verification_code"), _agreement_rows),
)}


def json_value(v: JSONValue) -> JSONValue:
    if isinstance(v, Decimal):
        return float(v)
    return v


def to_csv(columns: tuple[str, ...], rows: list[JSONObject]) -> str:
    """CSV with a header; text that a spreadsheet would run as a formula is prefixed with '."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for row in rows:
        out = []
        for c in columns:
            v = row.get(c)
            if v is None:
                out.append("")
            elif isinstance(v, bool):
                out.append("ya" if v else "tidak")
            elif isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
                out.append("'" + v)
            else:
                out.append(str(v))
        w.writerow(out)
    return buf.getvalue()


def active_agency_count() -> int:
    return Agency.objects.filter(is_active=True).count()
