"""Demo data of the projects app; called by nyata.demo.loader inside the Pemda's scope.

Every project of `nyata/demo/data/projects.csv` with its real description, status and
sources. The port of Tanjung Carat, the economic zone and an access road (made up, and
named so) get milestones, 2026 monthly progress and links across seven agencies. Every
number or date that is not in the CSV is flagged `is_illustrative` and shown as
"ilustratif". Idempotent: rows are looked up by natural key first.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from typing import Any

from nyata.core.models import Agency, Location, Pemda
from nyata.projects import actions
from nyata.projects.models import (
    Dependency,
    FundingSource,
    Milestone,
    Partnership,
    ProgressReport,
    Project,
    ShowCauseMeeting,
)

D = dt.date
T = Decimal(10) ** 12  # one trillion rupiah
M = Decimal(10) ** 9  # one billion rupiah (miliar)


def rp(amount: str, unit: Decimal) -> Decimal:
    """Whole rupiah: Rp2,4 T is rp("2.4", T)."""
    return (Decimal(amount) * unit).to_integral_value()

# CSV row (by the start of its name) -> code, owner agency, supporting, location, stage, start, end.
CSV_PROJECTS: list[dict[str, Any]] = [
    {"prefix": "Pelabuhan Tanjung Carat", "code": "tanjung-carat", "owner": "DISHUB",
     "support": ["BIRO-EKO", "PUBMTR", "DPMPTSP", "DLHP", "DESDM", "BAPPEDA"], "loc": "16.07",
     "status": "running", "start": D(2025, 8, 1), "end": D(2028, 12, 31)},
    {"prefix": "KEK Tanjung Api-Api", "code": "kek-tanjung-carat", "owner": "BIRO-EKO",
     "support": ["BAPPEDA", "DPMPTSP"], "loc": "16.07", "status": "planning",
     "start": D(2026, 1, 1), "end": D(2027, 12, 31)},
    {"prefix": "Jalan Tol Kayuagung", "code": "tol-kapal-betung", "owner": "PUBMTR", "support": [],
     "loc": None, "status": "running", "start": None, "end": None},
    {"prefix": "LRT Sumatera Selatan", "code": "lrt-sumsel", "owner": "DISHUB", "support": [],
     "loc": "16.71", "status": "done", "start": None, "end": None},
    {"prefix": "Jembatan P6 Lalan", "code": "jembatan-p6-lalan", "owner": "PUBMTR", "support": [],
     "loc": "16.06", "status": "running", "start": None, "end": None},
    {"prefix": "Empat jembatan beton", "code": "jembatan-pali-mura", "owner": "PUBMTR",
     "support": [], "loc": "16.05", "status": "done", "start": None, "end": None},
    {"prefix": "Paket pekerjaan jalan", "code": "paket-jalan-2024", "owner": "PUBMTR",
     "support": [], "loc": None, "status": "running", "start": None, "end": None},
    {"prefix": "Jembatan Bantan", "code": "jembatan-bantan", "owner": "PUBMTR", "support": [],
     "loc": "16.09", "status": "planning", "start": None, "end": None},
    {"prefix": "Rencana Jembatan Musi", "code": "jembatan-musi", "owner": "PUBMTR", "support": [],
     "loc": "16.71", "status": "planning", "start": None, "end": None},
    {"prefix": "RSUD Siti Fatimah", "code": "rsud-sfa-tipe-a", "owner": "RSUD-SFA",
     "support": ["DINKES"], "loc": "16.71", "status": "done", "start": None, "end": None},
]

# Real amounts from projects.csv (rupiah).
REAL_FUNDING = {
    "jembatan-pali-mura": [("apbd", rp("52.5", M),
                            "Air Teras Rp10 M; Air Keruh Rp33,5 M; TPI 1 dan TPI 2 masing-masing ~Rp4,5 M")],
    "paket-jalan-2024": [("apbd", 499 * M, "83 paket jalan Rp425 M + 9 jembatan Rp74 M")],
    "tol-kapal-betung": [("swasta", rp("22.16", T), "Investasi jalan tol (BUJT)")],
}


def _find(model: type[Any], **lookup: Any) -> Any:
    return model.objects.filter(**lookup).first()


def _csv_projects(pemda: Pemda, agencies: dict[str, Agency]) -> dict[str, Project]:
    from nyata.demo.loader import DATA

    with (DATA / "projects.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for spec in CSV_PROJECTS:
        row = next(r for r in rows if r["name"].startswith(spec["prefix"]))
        project = _find(Project, code=spec["code"])
        if project is None:
            description = (f"{row['description']}\n\nStatus menurut sumber: {row['status']}\n"
                           f"Pelaksana menurut sumber: {row['owner_opd']}")
            project = actions.project_create(
                actor=None, pemda=pemda, code=spec["code"], name=row["name"],
                description=description, sources=row["source"],
                owner_agency=agencies[spec["owner"]],
                supporting_agencies=[agencies[c] for c in spec["support"]],
                location=_find(Location, code=spec["loc"]) if spec["loc"] else None,
                location_detail=row["location"][:250], status=spec["status"],
                start=spec["start"], end=spec["end"],
            )
        out[spec["code"]] = project
    return out


def _funding(project: Project, kind: str, amount: Decimal, note: str, illustrative: bool) -> None:
    if not FundingSource.objects.filter(project=project, kind=kind).exists():
        actions.funding_add(actor=None, project=project, kind=kind, amount=amount, note=note,
                            is_illustrative=illustrative)


def _milestones(project: Project, agencies: dict[str, Agency],
                rows: list[tuple[str, str, dt.date, dt.date | None, int, bool]]) -> dict[str, Milestone]:
    out = {}
    for name, agency, planned, actual, weight, illustrative in rows:
        ms = _find(Milestone, project=project, name=name)
        if ms is None:
            ms = actions.milestone_add(actor=None, project=project, name=name,
                                       agency=agencies[agency], planned_date=planned,
                                       weight=Decimal(weight), actual_date=actual,
                                       is_illustrative=illustrative)
        out[name] = ms
    if not project.plan_finalised:
        actions.milestone_plan_finalise(actor=None, project=project)
    return out


def _progress(project: Project, planned: list[float], actual: list[float], spent: list[int],
              forecast: dt.date | None = None) -> None:
    if ProgressReport.objects.filter(project=project).exists():
        return
    for i, (p, a, s) in enumerate(zip(planned, actual, spent, strict=True)):
        actions.progress_record(actor=None, project=project, month=D(2026, i + 1, 1),
                                planned_physical=Decimal(str(p)), actual_physical=Decimal(str(a)),
                                spent=Decimal(s) * M, forecast_completion=forecast,
                                is_illustrative=True)


def _link(up: Milestone, down: Milestone, note: str = "") -> None:
    if not Dependency.objects.filter(upstream=up, downstream=down).exists():
        actions.dependency_add(actor=None, upstream=up, downstream=down, note=note)


def load(pemda: Pemda) -> None:
    """Add this app's demo rows for the province (idempotent)."""
    agencies = {a.code: a for a in Agency.objects.all()}
    projects = _csv_projects(pemda, agencies)
    for code, rows in REAL_FUNDING.items():
        for kind, amount, note in rows:
            _funding(projects[code], kind, amount, note, False)

    port = projects["tanjung-carat"]
    _funding(port, "swasta", rp("2.4", T),
             "Skema full investasi tanpa APBN/APBD; estimasi biaya di media berbeda-beda "
             "(Rp2 T, Rp2,4 T, Rp7 T pada 2021): angka Rp2,4 T dipakai sebagai contoh.", True)
    pm = _milestones(port, agencies, [
        ("Sertifikat HPL lahan 59,95 ha dari BPN (Agustus 2025)", "DLHP", D(2025, 8, 31), D(2025, 8, 31), 5, False),
        ("MoU percepatan dan serah terima lahan", "BIRO-EKO", D(2025, 10, 31), D(2025, 10, 31), 5, False),
        ("Izin lingkungan (AMDAL) dan perizinan berusaha", "DPMPTSP", D(2026, 2, 27), None, 10, True),
        ("Groundbreaking pelabuhan", "DISHUB", D(2026, 3, 31), None, 5, True),
        ("Pasokan listrik kawasan pelabuhan", "DESDM", D(2027, 6, 30), None, 10, True),
        ("Konstruksi dermaga tahap I selesai", "DISHUB", D(2027, 12, 31), None, 45, True),
        ("Pelabuhan beroperasi", "DISHUB", D(2028, 12, 31), None, 20, True),
    ])
    _progress(port, planned=[1, 2, 3.5, 5, 6.5, 8, 9.5, 11, 12.5, 14],
              actual=[1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5],
              spent=[20, 30, 45, 55, 65, 75, 85, 95, 105, 115])

    kek = projects["kek-tanjung-carat"]
    km = _milestones(kek, agencies, [
        ("Kajian dan dokumen usulan KEK Tanjung Carat", "BAPPEDA", D(2026, 6, 30), None, 40, True),
        ("Pengusulan KEK Tanjung Carat ke Dewan Nasional KEK", "BIRO-EKO", D(2026, 12, 31), None, 60, True),
    ])

    road = _find(Project, code="jalan-akses-tanjung-carat")
    if road is None:
        road = actions.project_create(
            actor=None, pemda=pemda, code="jalan-akses-tanjung-carat",
            name="Jalan akses Pelabuhan Tanjung Carat (contoh ilustratif)",
            description="Proyek contoh untuk demo (tidak ada di data sumber): kontrak tahun tunggal "
                        "2026 yang masuk kontrak kritis, dengan rapat pembuktian SCM I–III.",
            owner_agency=agencies["PUBMTR"], supporting_agencies=[agencies["DLHP"], agencies["DISHUB"]],
            location=_find(Location, code="16.07"), location_detail="Kec. Banyuasin II",
            status="running", start=D(2026, 1, 1), end=D(2026, 12, 31), is_illustrative=True,
        )
    _funding(road, "apbd", 180 * M, "Pagu contoh", True)
    rm = _milestones(road, agencies, [
        ("Pembebasan lahan koridor jalan akses", "DLHP", D(2026, 4, 30), D(2026, 6, 15), 20, True),
        ("Konstruksi badan jalan segmen 1", "PUBMTR", D(2026, 9, 30), None, 50, True),
        ("Jalan akses tersambung ke pelabuhan", "PUBMTR", D(2026, 12, 31), None, 30, True),
    ])
    _progress(road, planned=[2, 5, 10, 18, 28, 38, 50, 62, 72, 82],
              actual=[2, 4, 7, 10, 15, 20, 28, 38, 52, 66],
              spent=[4, 9, 14, 20, 28, 36, 50, 66, 84, 100], forecast=D(2027, 3, 31))
    if not ProgressReport.objects.filter(project=road, version=2).exists():
        actions.progress_record(
            actor=None, project=road, month=D(2026, 5, 1), planned_physical=Decimal(28),
            actual_physical=Decimal(14), spent=28 * M, forecast_completion=D(2027, 3, 31),
            correction_note="Koreksi hasil opname lapangan bersama konsultan pengawas (contoh).",
            is_illustrative=True)
    for stage, date, decisions, deadline, outcome, letter in [
        (1, D(2026, 7, 8), "Kontraktor menambah dua unit alat berat dan satu regu kerja; "
         "target uji coba: realisasi fisik 26% pada 22 Juli.", D(2026, 7, 22), "missed", "SP1"),
        (2, D(2026, 8, 5), "Kerja dua giliran; pemasok timbunan kedua; target uji coba 36% pada "
         "19 Agustus.", D(2026, 8, 19), "missed", "SP2"),
        (3, D(2026, 9, 9), "Target uji coba terakhir 50% pada 23 September; bila gagal, PPK "
         "mempertimbangkan pemutusan kontrak.", D(2026, 9, 23), "met", ""),
    ]:
        if not ShowCauseMeeting.objects.filter(project=road, stage=stage).exists():
            actions.meeting_record(actor=None, project=road, stage=stage, date=date,
                                   decisions=decisions, deadline=deadline, outcome=outcome,
                                   warning_letter=letter, is_illustrative=True)

    # Who waits for whom (upstream -> downstream), across seven agencies.
    groundbreaking = pm["Groundbreaking pelabuhan"]
    wharf = pm["Konstruksi dermaga tahap I selesai"]
    for up, down, note in [
        (pm["Sertifikat HPL lahan 59,95 ha dari BPN (Agustus 2025)"], groundbreaking, "Lahan"),
        (pm["MoU percepatan dan serah terima lahan"], groundbreaking, "Serah terima lahan"),
        (pm["Izin lingkungan (AMDAL) dan perizinan berusaha"], groundbreaking, "Izin"),
        (groundbreaking, wharf, ""),
        (rm["Pembebasan lahan koridor jalan akses"], rm["Konstruksi badan jalan segmen 1"], "Lahan"),
        (rm["Konstruksi badan jalan segmen 1"], rm["Jalan akses tersambung ke pelabuhan"], ""),
        (rm["Jalan akses tersambung ke pelabuhan"], wharf, "Angkutan material dermaga"),
        (wharf, pm["Pelabuhan beroperasi"], ""),
        (pm["Pasokan listrik kawasan pelabuhan"], pm["Pelabuhan beroperasi"], "Listrik"),
        (groundbreaking, km["Pengusulan KEK Tanjung Carat ke Dewan Nasional KEK"],
         "KEK berdampingan dengan pelabuhan"),
        (km["Kajian dan dokumen usulan KEK Tanjung Carat"],
         km["Pengusulan KEK Tanjung Carat ke Dewan Nasional KEK"], ""),
    ]:
        _link(up, down, note)

    # P6 Lalan: the one real plan-vs-actual figure (rapat 23/10/2025).
    lalan = projects["jembatan-p6-lalan"]
    if not ProgressReport.objects.filter(project=lalan).exists():
        actions.progress_record(actor=None, project=lalan, month=D(2025, 10, 1),
                                planned_physical=Decimal("47.41"), actual_physical=Decimal("43.89"),
                                spent=Decimal(0), is_illustrative=False)

    _partnerships(pemda, agencies, projects, road)
    for project, objective_codes, indicator_codes in [
        (port, ["S3.2"], ["TJCARAT"]), (road, ["S3.1", "S3.2"], ["JALAN"]),
        (kek, ["S2.1"], ["LPE"]),
    ]:
        _link_plan(project, objective_codes, indicator_codes)


def _link_plan(project: Project, objective_codes: list[str], indicator_codes: list[str]) -> None:
    """Link to the plan objectives and indicators of the planning demo, when it has them."""
    from nyata.planning.models import Indicator, Objective

    if project.objective_links.exists() or project.indicator_links.exists():
        return
    objectives = [o for c in objective_codes
                  if (o := Objective.objects.filter(code=c).order_by("-pk").first()) is not None]
    indicators = [i for c in indicator_codes
                  if (i := Indicator.objects.filter(code=c).order_by("-pk").first()) is not None]
    if objectives or indicators:
        actions.project_update(actor=None, project=project, objectives=objectives,
                               indicators=indicators)


def _partnerships(pemda: Pemda, agencies: dict[str, Agency], projects: dict[str, Project],
                  road: Project) -> None:
    rows: list[dict[str, Any]] = [
        {"partner": "Kementerian Perhubungan dan konsorsium BUMD PT Sumsel Energi Gemilang "
                    "(dengan PT Pelindo, PT Samudra Pasai, PT Sumsel Konstruksi Utama)",
         "kind": "mou", "status": "signed", "signed_on": D(2025, 10, 31),
         "agency": agencies["BIRO-EKO"], "project": projects["tanjung-carat"],
         "description": "MoU percepatan dan serah terima lahan Pelabuhan Tanjung Carat; skema "
                        "full investasi tanpa APBN/APBD.",
         "source": "https://lintaskontainer.co.id/2025/11/menhub-targetkan-pelabuhan-tanjung-carat-beroperasi"},
        {"partner": "10 perusahaan calon investor KEK Tanjung Api-Api",
         "kind": "mou", "status": "cancelled", "agency": agencies["BIRO-EKO"],
         "project": projects["kek-tanjung-carat"],
         "description": "Kesepakatan terkait KEK Tanjung Api-Api; KEK dicabut dengan PP 2/2022 dan "
                        "diusulkan dialihkan ke Tanjung Carat.",
         "source": "http://ekonomi.metrotvnews.com/mikro/akW36lak-10-perusahaan-jalin-kesepakatan-terkait-kek-tanjung-api-api"},
        {"partner": "PT PLN (Persero)", "kind": "mou", "status": "exploring",
         "agency": agencies["DESDM"], "project": projects["tanjung-carat"],
         "description": "Pasokan listrik kawasan pelabuhan dan KEK (status penjajakan: contoh).",
         "source": "https://katoe.id/pelabuhan-tanjung-carat-tonggak-baru-ekonomi-sumsel-pemerintah-dan-pln-siap-wujudkan-pusat-logistik-dan-energi-nasional",
         "is_illustrative": True},
        {"partner": "CSR perbankan daerah (contoh)", "kind": "csr", "status": "running",
         "value": rp("2.5", M), "agency": agencies["PUBMTR"], "project": road,
         "description": "Penerangan jalan akses pelabuhan.", "is_illustrative": True},
        {"partner": "Hibah mitra pembangunan (contoh)", "kind": "hibah", "status": "exploring",
         "value": 5 * M, "agency": agencies["DISHUB"], "product": "Layanan angkutan feeder LRT",
         "description": "Kajian integrasi feeder LRT Sumsel.", "is_illustrative": True},
    ]
    for r in rows:
        if not Partnership.objects.filter(partner=r["partner"]).exists():
            actions.partnership_create(actor=None, pemda=pemda, **r)
