"""Demo data of the products app; called by nyata.demo.loader inside the Pemda's scope.

Real innovations come from nyata/demo/data/innovations.csv, assigned to an agency only
where the source names the owner. Every other agency gets an illustrative flagship product
(labelled *ilustratif*), except a few left without one so the "no flagship" flag shows.
Survey responses are illustrative, generated from a fixed seed.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import cast

from nyata.core import audit
from nyata.core.models import Agency, Pemda
from nyata.products import ikm
from nyata.products.actions import innovation_save, survey_save
from nyata.products.models import Innovation, Survey, SurveyResponse

DATA = Path(__file__).resolve().parents[1] / "demo" / "data" / "innovations.csv"
YEAR = 2026  # the demo's running fiscal year
# Owner named in innovations.csv -> agency code in opd.csv.
OWNERS = {
    "Dinas Kesehatan": "DINKES",
    "Rumah Sakit Khusus Mata Provinsi Sumsel": "RS-KMM",
    "Dinas PUBM-TR": "PUBMTR",
    "Badan Pendapatan Daerah": "BAPENDA",
    "Biro Organisasi Setda": "BIRO-ORG",
}
FLAGSHIPS = {"Sumsel Tanggap", "Mpek Ikan Belida", "SITARUNG (Sistem Informasi Tata Ruang)",
             "Program Merdeka Pajak",
             "Jaringan Inovasi Pelayanan Publik (JIPP) Sumsel & kebijakan One Agency One Innovation"}
WITHOUT_FLAGSHIP = {"KESBANGPOL", "DKP", "BALITBANGDA"}
SURVEYED = ["Sumsel Tanggap", "Mpek Ikan Belida", "Program Merdeka Pajak"]
ILLUSTRATIVE_SURVEYED = ["DISDUKCAPIL", "DPMPTSP", "DISHUB"]
ILLUSTRATIVE_NOTE = "Jumlah penerima manfaat, tahap dan anggaran ilustratif; nama dan uraian dari sumber."

_TEMPLATES = {
    "dinas": ("Layanan {a} Satu Pintu Daring",
              "Warga harus datang berulang kali ke kantor {a} untuk layanan yang sama.",
              "Permohonan, pelacakan dan pengaduan layanan {a} dalam satu aplikasi."),
    "badan": ("Dasbor Data {a} Terbuka", "Data {a} tersebar dan sulit diakses perangkat daerah lain dan publik.",
              "Satu dasbor data {a} yang diperbarui tiap bulan dan dapat diunduh."),
    "biro": ("Layanan Administrasi {a} Tanpa Kertas", "Naskah dinas {a} masih diedarkan manual dan lambat.",
             "Alur naskah dinas elektronik dengan tanda tangan digital."),
    "rsud": ("Antrean Pasien {a} Daring", "Pasien {a} menunggu berjam-jam untuk mendaftar.",
             "Pendaftaran dan antrean daring dengan estimasi waktu layanan."),
}


def _rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _save(pemda: Pemda, agency: Agency, **fields: object) -> Innovation:
    existing = Innovation.objects.filter(agency=agency, year=YEAR, name=fields["name"]).first()
    if existing is not None:
        return cast("Innovation", existing)
    return innovation_save(actor=None, innovation=Innovation(pemda=pemda, agency=agency, year=YEAR, **fields))


def _real(pemda: Pemda, agencies: dict[str, Agency]) -> dict[str, Innovation]:
    out = {}
    for i, r in enumerate(_rows()):
        code = OWNERS.get(r["owner_opd"])
        if code is None or code not in agencies:
            continue  # owner not named by the source: not assigned to any agency
        kind = Innovation.Kind.DIGITAL if r["kind"] == "digital" else Innovation.Kind.NON_DIGITAL
        out[r["name"]] = _save(
            pemda, agencies[code], name=r["name"], is_flagship=r["name"] in FLAGSHIPS, kind=kind,
            problem=r["description"], solution=r["description"], recognition=r["recognition"].strip("-"),
            source_url=r["source"], launch_year=int(r["year"]) if r["year"] else None,
            stage=Innovation.Stage.IMPLEMENTATION, beneficiaries="Warga Sumatera Selatan",
            beneficiaries_target=20000 + 5000 * i, beneficiaries_reached=15000 + 4000 * i,
            illustrative_note=ILLUSTRATIVE_NOTE, is_public=True,
        )
    return out


def _illustrative(pemda: Pemda, agencies: dict[str, Agency], taken: set[int]) -> dict[str, Innovation]:
    out = {}
    stages = list(Innovation.Stage)
    for n, (code, agency) in enumerate(sorted(agencies.items())):
        if agency.pk in taken or code in WITHOUT_FLAGSHIP:
            continue
        key = agency.kind if agency.kind in _TEMPLATES else ("badan" if agency.kind != "dinas" else "dinas")
        name, problem, solution = (t.format(a=agency.abbreviation or agency.name) for t in _TEMPLATES[key])
        out[code] = _save(
            pemda, agency, name=f"{name} (ilustratif)", is_flagship=True, problem=problem, solution=solution,
            kind=Innovation.Kind.DIGITAL, stage=stages[n % 3], beneficiaries="Warga pengguna layanan",
            beneficiaries_target=1000 * (5 + n % 7), beneficiaries_reached=700 * (3 + n % 5),
            is_illustrative=True, is_public=True,
        )
    return out


def _responses(pemda: Pemda, innovation: Innovation, seed: int, n: int, population: int) -> None:
    survey = Survey.objects.filter(innovation=innovation, year=YEAR).first()
    if survey is None:
        survey = survey_save(actor=None, survey=Survey(pemda=pemda, innovation=innovation, year=YEAR,
                                                      population=population))
    if survey.responses.exists():
        return
    rng = random.Random(seed)
    lean = rng.choice([0.15, 0.3, 0.5])  # how often an answer drops one step
    start = dt.datetime(YEAR, 2, 1, 8, 0, tzinfo=dt.UTC)
    comments = ["Pelayanan cepat dan petugas ramah.", "Mohon informasi persyaratan lebih jelas.",
                "Aplikasi kadang lambat saat jam sibuk.", "Sangat membantu keluarga kami."]
    rows = []
    for k in range(n):
        answers = {key: max(1, min(4, 4 - (rng.random() < lean) - (rng.random() < lean / 2)))
                   for key in ikm.ELEMENT_KEYS}
        comment = comments[k % len(comments)] + " (ilustratif)" if k % 9 == 0 else ""
        status = (SurveyResponse.CommentStatus.NONE if not comment else
                  SurveyResponse.CommentStatus.APPROVED if k % 2 == 0 else SurveyResponse.CommentStatus.PENDING)
        rows.append(SurveyResponse(pemda=pemda, survey=survey, submitted_at=start + dt.timedelta(hours=7 * k),
                                   comment=comment, comment_status=status, is_illustrative=True, **answers))
    SurveyResponse.objects.bulk_create(rows)
    audit.record(pemda=pemda, actor=None, action="nyata.survey.demo_responses_loaded", obj=survey,
                 data={"responses": n, "illustrative": True})


def load(pemda: Pemda) -> None:
    """Add this app's demo rows for the province (idempotent)."""
    agencies = {a.code: a for a in Agency.objects.filter(is_active=True)}
    real = _real(pemda, agencies)
    flagship_agencies = {i.agency_id for i in real.values() if i.is_flagship}
    illustrative = _illustrative(pemda, agencies, flagship_agencies)
    for seed, name in enumerate(SURVEYED):
        if name in real:
            # Mpek Ikan Belida's buyers are a small served population (60, minimum sample 52): its 65
            # answers are a full sample and graded; the others stay provisional (sampel belum cukup).
            _responses(pemda, real[name], seed, 40 + 25 * seed, population=60 if seed == 1 else 100 + 400 * seed)
    for seed, code in enumerate(ILLUSTRATIVE_SURVEYED, start=10):
        if code in illustrative:
            _responses(pemda, illustrative[code], seed, 30 + 10 * (seed % 3), population=500)
