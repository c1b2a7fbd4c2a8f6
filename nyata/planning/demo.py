"""Demo data of the planning app; called by nyata.demo.loader inside the Pemda's scope.

The RPJMD 2025–2029 of South Sumatra: the tagline "Sumsel Maju Terus untuk Semua" is real
(SOURCES.md caveat 5); its vision, missions and final indicator table were not found, so they
are illustrative and labelled so. Province key indicators carry the real recent values of
`indicators.csv` (as realised values and baselines) and the real 2025 targets of `targets.csv`;
other targets are illustrative. Every agency of `opd.csv` gets 2–3 objectives with indicators,
targets and programs with budget ceilings (illustrative).

The plan goes through the same validation and writer as an Excel upload.

Deliberate weak spots (the tree must show exactly these):
- agency objective serving no province objective: BIRO-HUMAS.S3 (protocol);
- province objective no agency serves: S3.2 (Tanjung Carat port connectivity);
- indicators without unit or formula: DISKOMINFO.I1 (no unit), DISPORA.I1 (no formula);
- program linked to no objective: BPKAD 5.02.03.
Deliberate target-quality problems (see DEMO_FINDINGS):
- below the last realised value: TPT (real 2025 unemployment 3,69 % beat the planned path);
- below the baseline: DISBUDPAR.I1; flat targets: SATPOLPP.I1; a missing year: DESDM.I1;
- an objective measured only by output units: BIRO-UMUM.S1.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

from nyata.core.models import Agency, Pemda
from nyata.planning import excel
from nyata.planning.actions import plan_import
from nyata.planning.models import PlanPeriod

DATA = Path(__file__).resolve().parent.parent / "demo" / "data"
START, END = 2025, 2029
YEARS = list(range(START, END + 1))
D = Decimal

VISION = ("Sumatera Selatan yang maju, sejahtera, dan berkelanjutan untuk semua "
          "(rumusan ilustratif; teks visi resmi RPJMD 2025–2029 belum ditemukan)")
MISSIONS = [
    "Meningkatkan kualitas sumber daya manusia yang sehat, cerdas, dan berdaya saing",
    "Mempercepat pertumbuhan ekonomi yang inklusif dan mengurangi kemiskinan",
    "Membangun infrastruktur wilayah yang merata dan berkualitas",
    "Mewujudkan tata kelola pemerintahan yang bersih, akuntabel, dan melayani",
    "Memperkuat ketahanan pangan dan kelestarian lingkungan hidup",
]
GOALS = [  # code, mission, name
    ("T1", 1, "Meningkatnya kualitas hidup dan daya saing manusia Sumatera Selatan"),
    ("T2", 2, "Meningkatnya kesejahteraan ekonomi masyarakat secara inklusif"),
    ("T3", 3, "Meningkatnya kualitas dan pemerataan infrastruktur wilayah"),
    ("T4", 4, "Meningkatnya kualitas tata kelola pemerintahan daerah"),
    ("T5", 5, "Meningkatnya ketahanan pangan dan kualitas lingkungan hidup"),
]
OBJECTIVES = [  # code, goal, name
    ("S1.1", "T1", "Meningkatnya derajat kesehatan masyarakat"),
    ("S1.2", "T1", "Meningkatnya kualitas dan akses pendidikan"),
    ("S2.1", "T2", "Meningkatnya pertumbuhan ekonomi daerah"),
    ("S2.2", "T2", "Menurunnya kemiskinan, pengangguran, dan ketimpangan"),
    ("S2.3", "T2", "Terkendalinya inflasi daerah"),
    ("S3.1", "T3", "Meningkatnya kemantapan jalan provinsi"),
    ("S3.2", "T3", "Meningkatnya konektivitas pelabuhan dan kawasan ekonomi Tanjung Carat"),
    ("S4.1", "T4", "Meningkatnya akuntabilitas kinerja dan reformasi birokrasi"),
    ("S4.2", "T4", "Meningkatnya kemandirian keuangan daerah"),
    ("S5.1", "T5", "Meningkatnya ketahanan pangan daerah"),
    ("S5.2", "T5", "Meningkatnya kualitas lingkungan hidup"),
]

# Province key indicators: code, owner, csv code (real values) or None, name, unit, polarity,
# formula, responsible agency, targets 2025–2029 (None: illustrative target list follows),
# real-target note.
Ind = dict[str, Any]
PROVINCE_INDICATORS: list[Ind] = [
    {"code": "IPM", "owner": "T1", "csv": "IPM", "unit": "indeks", "pj": "BAPPEDA",
     "formula": "Rata-rata geometrik indeks kesehatan, pendidikan, dan pengeluaran (BPS)",
     "targets": ["74.20", "75.10", "75.45", "75.80", "76.15"]},
    {"code": "STUNTING", "owner": "S1.1", "csv": "PREVALENSI_STUNTING", "unit": "persen",
     "pj": "DINKES", "formula": "Balita stunting / jumlah balita × 100 (SSGI/SKI)",
     "targets": ["14.50", "13.50", "12.50", "11.50", "10.50"]},
    {"code": "UHH", "owner": "S1.1", "csv": "UHH", "unit": "tahun", "pj": "DINKES",
     "formula": "Umur harapan hidup saat lahir (BPS, seri SP2020-LF)",
     "targets": ["74.40", "74.55", "74.70", "74.85", "75.00"]},
    {"code": "RLS", "owner": "S1.2", "csv": "RLS", "unit": "tahun", "pj": "DISDIK",
     "formula": "Rata-rata lama sekolah penduduk umur 25 tahun ke atas (BPS)",
     "targets": ["8.65", "8.72", "8.80", "8.88", "8.95"]},
    {"code": "HLS", "owner": "S1.2", "csv": "HLS", "unit": "tahun", "pj": "DISDIK",
     "formula": "Harapan lama sekolah umur 7 tahun (BPS)",
     "targets": ["12.68", "12.72", "12.76", "12.80", "12.85"]},
    {"code": "LPE", "owner": "S2.1", "csv": "PERTUMBUHAN_EKONOMI", "unit": "persen",
     "pj": "BAPPEDA", "formula": "(PDRB ADHK t − PDRB ADHK t−1) / PDRB ADHK t−1 × 100",
     "targets": ["6.0", "6.1", "6.2", "6.3", "6.5"], "real": {2025: "RKPD 2025: 6 %"}},
    {"code": "KEMISKINAN", "owner": "S2.2", "csv": "KEMISKINAN_MARET", "unit": "persen",
     "pj": "DINSOS", "formula": "Penduduk di bawah garis kemiskinan / jumlah penduduk × 100",
     "targets": ["10.37", "9.85", "9.40", "8.95", "8.50"],
     "real": {2025: "RKPD 2025: rentang 9,37–10,37 %; dipakai batas atas"}},
    {"code": "TPT", "owner": "S2.2", "csv": "TPT_AGUSTUS", "unit": "persen",
     "pj": "DISNAKERTRANS", "formula": "Penganggur / angkatan kerja × 100 (Sakernas Agustus)",
     "targets": ["3.95", "3.85", "3.80", "3.70", "3.60"],
     "real": {2025: "RKPD 2025: rentang 3,83–3,95 %; dipakai batas atas"}},
    {"code": "GINI", "owner": "S2.2", "csv": "GINI_MARET", "unit": "rasio", "pj": "BAPPEDA",
     "formula": "Gini ratio pengeluaran (BPS, Maret)",
     "targets": ["0.320", "0.309", "0.306", "0.303", "0.300"],
     "real": {2025: "RKPD 2025: rentang 0,316–0,32; dipakai batas atas"}},
    {"code": "INFLASI", "owner": "S2.3", "csv": "INFLASI_YOY_DESEMBER", "unit": "persen",
     "pj": "BIRO-EKO", "polarity": "range", "formula": "Perubahan IHK Desember y-on-y × 100",
     "targets": [("1.5", "3.5")] * 5},
    {"code": "JALAN", "owner": "S3.1", "csv": "KEMANTAPAN_JALAN_PROVINSI", "unit": "persen",
     "pj": "PUBMTR", "formula": "Panjang jalan provinsi mantap / panjang jalan provinsi × 100",
     "targets": ["90.00", "91.00", "92.00", "93.00", "94.00"]},
    {"code": "TJCARAT", "owner": "S3.2", "csv": None, "unit": "persen", "pj": "DISHUB",
     "name": "Persentase progres fisik pembangunan Pelabuhan Tanjung Carat",
     "formula": "Progres fisik kumulatif / rencana total × 100", "baseline": ("2024", "5"),
     "targets": ["15", "35", "60", "85", "100"]},
    {"code": "IRB", "owner": "S4.1", "csv": "INDEKS_RB", "unit": "indeks", "pj": "BIRO-ORG",
     "formula": "Indeks reformasi birokrasi hasil evaluasi KemenPANRB",
     "targets": ["70.00", "72.00", "74.00", "76.00", "78.00"]},
    {"code": "PAJAK", "owner": "S4.2", "csv": None, "unit": "triliun rupiah", "pj": "BAPENDA",
     "name": "Penerimaan pajak daerah", "formula": "Jumlah realisasi penerimaan pajak daerah",
     "baseline": ("2024", "3.60"), "targets": ["3.83", "3.95", "4.10", "4.25", "4.40"],
     "real": {2025: "APBD Perubahan 2025: Rp3,83 T"}},
    {"code": "PPH", "owner": "S5.1", "csv": None, "unit": "indeks", "pj": "DKPP",
     "name": "Skor Pola Pangan Harapan", "formula": "Skor PPH (Badan Pangan Nasional)",
     "baseline": ("2024", "86.0"), "targets": ["87.0", "88.0", "89.0", "90.0", "91.0"]},
    {"code": "IKLH", "owner": "S5.2", "csv": None, "unit": "indeks", "pj": "DLHP",
     "name": "Indeks Kualitas Lingkungan Hidup", "formula": "Indeks kualitas lingkungan hidup "
     "(KLHK): air, udara, tutupan lahan", "baseline": ("2024", "68.0"),
     "targets": ["68.5", "69.0", "69.5", "70.0", "70.5"]},
]

# Agencies: code -> (bidang code, serves, objective, indicator, unit, polarity, baseline 2024,
# yearly step). The second objective of every agency ("akuntabilitas kinerja") serves S4.1:
# the cross-cutting objective all agencies share.
SECTOR: dict[str, tuple[str, str, str, str, str, str, str, str]] = {
    "SETDA": ("4.01", "S4.1", "Meningkatnya kualitas koordinasi penyelenggaraan pemerintahan",
              "Persentase rekomendasi kebijakan yang ditindaklanjuti", "persen", "h", "70", "3"),
    "BIRO-PEM": ("4.01", "S4.1", "Meningkatnya kualitas fasilitasi pemerintahan kabupaten/kota",
                 "Persentase kabupaten/kota dengan LPPD berkinerja tinggi", "persen", "h", "60", "5"),
    "BIRO-EKO": ("4.01", "S2.3", "Meningkatnya koordinasi pengendalian inflasi dan perekonomian",
                 "Persentase rekomendasi TPID yang dilaksanakan", "persen", "h", "65", "5"),
    "BIRO-KESRA": ("4.01", "S2.2", "Meningkatnya fasilitasi kesejahteraan rakyat",
                   "Persentase lembaga keagamaan penerima hibah yang tepat sasaran", "persen",
                   "h", "75", "4"),
    "BIRO-UMUM": ("4.01", "S4.1", "Meningkatnya kualitas layanan administrasi umum",
                  "Jumlah laporan administrasi umum dan perlengkapan", "laporan", "h", "12", "1"),
    "BIRO-HUMAS": ("4.01", "S4.1", "Meningkatnya keterbukaan informasi publik pemerintah provinsi",
                   "Indeks keterbukaan informasi publik", "indeks", "h", "80", "1.5"),
    "BIRO-ORG": ("4.01", "S4.1", "Meningkatnya efektivitas kelembagaan dan tata laksana",
                 "Indeks kelembagaan perangkat daerah", "indeks", "h", "70", "2"),
    "INSP": ("6.01", "S4.1", "Meningkatnya kapabilitas pengawasan intern",
             "Level kapabilitas APIP", "indeks", "h", "3", "0.2"),
    "BAPPEDA": ("5.01", "S2.1", "Meningkatnya kualitas perencanaan pembangunan daerah",
                "Persentase konsistensi program RKPD dan RPJMD", "persen", "h", "85", "2"),
    "BAPENDA": ("5.02", "S4.2", "Meningkatnya pendapatan asli daerah",
                "Persentase pertumbuhan pendapatan asli daerah", "persen", "h", "5", "0.5"),
    "BPKAD": ("5.02", "S4.2", "Meningkatnya kualitas pengelolaan keuangan dan aset daerah",
              "Opini BPK atas laporan keuangan (skor: WTP = 4)", "indeks", "h", "3.5", "0.1"),
    "BKD": ("5.03", "S4.1", "Meningkatnya profesionalitas aparatur sipil negara",
            "Indeks profesionalitas ASN", "indeks", "h", "70", "2"),
    "BPSDMD": ("5.04", "S4.1", "Meningkatnya kompetensi aparatur",
               "Persentase ASN yang memenuhi standar kompetensi jabatan", "persen", "h", "60",
               "5"),
    "BALITBANGDA": ("5.05", "S2.1", "Meningkatnya pemanfaatan hasil riset dan inovasi daerah",
                    "Jumlah inovasi daerah yang diterapkan", "inovasi", "h", "20", "5"),
    "BPBD": ("1.05", "S5.2", "Meningkatnya ketangguhan daerah menghadapi bencana",
             "Indeks risiko bencana provinsi", "indeks", "l", "130", "-4"),
    "KESBANGPOL": ("8.01", "S4.1", "Meningkatnya kondusivitas politik dan wawasan kebangsaan",
                   "Indeks demokrasi Indonesia provinsi", "indeks", "h", "78", "1"),
    "DISDIK": ("1.01", "S1.2", "Meningkatnya akses dan mutu pendidikan menengah dan khusus",
               "Angka partisipasi kasar SMA/SMK/SLB", "persen", "h", "88", "1"),
    "DINKES": ("1.02", "S1.1", "Meningkatnya kualitas layanan kesehatan masyarakat",
               "Persentase kabupaten/kota dengan cakupan kepesertaan JKN ≥ 98 %", "persen",
               "h", "70", "5"),
    "PUBMTR": ("1.03", "S3.1", "Meningkatnya kondisi mantap jaringan jalan provinsi",
               "Panjang jalan provinsi dalam kondisi mantap", "km", "h", "1580", "20"),
    "PSDA": ("1.03", "S5.1", "Meningkatnya layanan irigasi kewenangan provinsi",
             "Persentase daerah irigasi kewenangan provinsi dalam kondisi baik", "persen", "h",
             "60", "4"),
    "PERKIM": ("1.04", "S2.2", "Menurunnya rumah tidak layak huni",
               "Persentase rumah tangga yang menempati rumah layak huni", "persen", "h", "62",
               "2"),
    "SATPOLPP": ("1.05", "S4.1", "Meningkatnya ketenteraman dan ketertiban umum",
                 "Persentase penegakan peraturan daerah", "persen", "h", "80", "0"),
    "DINSOS": ("1.06", "S2.2", "Meningkatnya perlindungan dan jaminan sosial",
               "Persentase PPKS yang tertangani", "persen", "h", "70", "4"),
    "DISNAKERTRANS": ("2.07", "S2.2", "Meningkatnya penempatan dan kompetensi tenaga kerja",
                      "Persentase pencari kerja yang ditempatkan", "persen", "h", "40", "3"),
    "DPPPA": ("2.08", "S1.1", "Meningkatnya perlindungan perempuan dan anak",
              "Jumlah kasus kekerasan terhadap perempuan dan anak", "kasus", "l", "480", "-20"),
    "DKPP": ("2.09", "S5.1", "Meningkatnya ketersediaan pangan dan produksi peternakan",
             "Persentase kecukupan cadangan pangan pemerintah provinsi", "persen", "h", "70",
             "5"),
    "DLHP": ("2.11", "S5.2", "Meningkatnya kualitas air, udara, dan tutupan lahan",
             "Indeks kualitas air", "indeks", "h", "52", "1"),
    "DISDUKCAPIL": ("2.12", "S4.1", "Meningkatnya kualitas data kependudukan",
                    "Persentase kabupaten/kota dengan data kependudukan terpadu", "persen", "h",
                    "75", "5"),
    "DISHUB": ("2.15", "S2.1", "Meningkatnya kinerja layanan transportasi",
               "Persentase angkutan umum yang laik jalan", "persen", "h", "70", "4"),
    "DISKOMINFO": ("2.16", "S4.1", "Meningkatnya kualitas penerapan SPBE",
                   "Indeks SPBE provinsi", "", "h", "2.8", "0.2"),
    "DISKOPUKM": ("2.17", "S2.1", "Meningkatnya daya saing koperasi dan UMKM",
                  "Persentase koperasi aktif", "persen", "h", "60", "3"),
    "DPMPTSP": ("2.18", "S2.1", "Meningkatnya realisasi investasi",
                "Realisasi investasi PMA dan PMDN", "triliun rupiah", "h", "25", "2"),
    "DISPORA": ("2.19", "S1.2", "Meningkatnya prestasi olahraga dan peran pemuda",
                "Jumlah medali pada PON", "unit", "h", "20", "2"),
    "DISBUDPAR": ("3.26", "S2.1", "Meningkatnya kunjungan wisata",
                  "Jumlah kunjungan wisatawan nusantara (juta)", "orang", "h", "8.5", "0.3"),
    "DISHUT": ("3.27", "S5.2", "Meningkatnya tutupan hutan dan rehabilitasi lahan",
               "Luas lahan kritis yang direhabilitasi", "hektare", "h", "4000", "500"),
    "DESDM": ("3.28", "S2.1", "Meningkatnya rasio elektrifikasi",
              "Rasio elektrifikasi provinsi", "persen", "h", "98.5", "0.3"),
    "DISDAG": ("3.31", "S2.3", "Meningkatnya stabilitas harga dan kelancaran distribusi",
               "Koefisien variasi harga bahan pokok", "persen", "l", "8", "-0.5"),
    "DISPERIN": ("3.32", "S2.1", "Meningkatnya kontribusi sektor industri pengolahan",
                 "Kontribusi industri pengolahan terhadap PDRB", "persen", "h", "18", "0.3"),
    "DTPH": ("3.27", "S5.1", "Meningkatnya produksi tanaman pangan",
             "Produksi padi", "ton", "h", "2900000", "50000"),
    "DISBUN": ("3.27", "S2.1", "Meningkatnya produktivitas perkebunan rakyat",
               "Produktivitas karet rakyat", "ton", "h", "1.1", "0.05"),
    "DKP": ("3.25", "S5.1", "Meningkatnya produksi perikanan",
            "Produksi perikanan budidaya", "ton", "h", "450000", "10000"),
    "RSUD-SFA": ("1.02", "S1.1", "Meningkatnya mutu layanan rumah sakit",
                 "Indeks kepuasan masyarakat terhadap layanan RSUD", "indeks", "h", "80", "1"),
    "RS-ERBA": ("1.02", "S1.1", "Meningkatnya mutu layanan kesehatan jiwa",
                "Persentase pasien jiwa yang pulih dan kembali ke keluarga", "persen", "h", "60",
                "3"),
    "RS-KMM": ("1.02", "S1.1", "Meningkatnya mutu layanan kesehatan mata",
               "Angka keberhasilan operasi katarak", "persen", "h", "92", "1"),
}


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def plan_rows(agencies: list[Agency]) -> excel.Rows:
    """The demo plan as workbook rows (the same shape an Excel upload gives)."""
    actual_rows = _csv("indicators.csv")
    names = {r["code"]: r["name"] for r in actual_rows}
    actuals: dict[str, list[dict[str, str]]] = {}
    for r in actual_rows:
        actuals.setdefault(r["code"], []).append(r)
    rows: excel.Rows = {sheet: [] for sheet in excel.SHEETS}
    rows[excel.PERIOD] = [{
        "jenis": "rpjmd", "nama": "RPJMD Provinsi Sumatera Selatan 2025–2029",
        "tahun_awal": START, "tahun_akhir": END, "tagline": "Sumsel Maju Terus untuk Semua",
        "visi": VISION, "ilustratif": True}]
    rows[excel.MISSION] = [{"nomor": i, "misi": m + " (ilustratif)"}
                           for i, m in enumerate(MISSIONS, start=1)]
    rows[excel.GOAL] = [{"kode": c, "tujuan": n, "nomor_misi": m} for c, m, n in GOALS]
    rows[excel.OBJECTIVE] = [{"kode": c, "sasaran": n, "kode_tujuan": g, "ilustratif": True}
                             for c, g, n in OBJECTIVES]
    for ind in PROVINCE_INDICATORS:
        real = actuals.get(ind["csv"] or "", [])
        history = [r for r in real if int(r["year"]) < START] or real
        baseline = ((history[-1]["year"], history[-1]["value"]) if history
                    else ind["baseline"])
        polarity = ind.get("polarity") or (real[0]["polarity"] if real else "higher_is_better")
        rows[excel.INDICATOR].append({
            "kode": ind["code"], "kode_induk": ind["owner"],
            "nama": ind.get("name") or names[ind["csv"]], "definisi": "",
            "rumus": ind["formula"], "satuan": ind["unit"], "tingkat": "impact"
            if ind["owner"].startswith("T") else "outcome", "polaritas": polarity,
            "penggabungan": "last", "desimal": 2,
            "sumber_data": "BPS / indicators.csv" if real else "ilustratif",
            "pd_penanggung_jawab": ind["pj"], "tahun_awal": int(baseline[0]),
            "nilai_awal": D(baseline[1]), "iku": True, "ilustratif": not real})
        for year, t in zip(YEARS, ind["targets"], strict=True):
            low, high = (t if isinstance(t, tuple) else (t, None))
            rows[excel.TARGET].append({
                "kode_indikator": ind["code"], "tahun": year, "target": D(low),
                "target_atas": D(high) if high else None,
                "ilustratif": year not in ind.get("real", {})})
        rows[excel.ACTUAL] += [{"kode_indikator": ind["code"], "tahun": int(r["year"]),
                                "realisasi": D(r["value"]), "sumber": r["source"]} for r in real]
    for i, agency in enumerate(agencies):
        _agency_rows(rows, agency, i)
    return rows


def _agency_rows(rows: excel.Rows, agency: Agency, i: int) -> None:
    code = agency.code
    bidang, serves, obj, ind, unit, pol, base, step = SECTOR.get(code, (
        "9.99", "S4.1", f"Meningkatnya kinerja layanan {agency}", f"Indeks layanan {agency}",
        "indeks", "h", "70", "2"))
    abbr = agency.abbreviation or code
    s1, s2, s3 = f"{code}.S1", f"{code}.S2", f"{code}.S3"
    rows[excel.AGENCY_OBJECTIVE] += [
        {"kode": s1, "kode_pd": code, "sasaran": obj, "mendukung": [serves], "kode_induk": "",
         "ilustratif": True},
        {"kode": s2, "kode_pd": code, "sasaran": f"Meningkatnya akuntabilitas kinerja {abbr}",
         "mendukung": ["S4.1"], "kode_induk": "", "ilustratif": True},
    ]
    polarity = "higher_is_better" if pol == "h" else "lower_is_better"
    base_d, step_d = D(base), D(step)
    targets = [base_d + step_d * (k + 1) for k in range(5)]
    formula = "" if code == "DISPORA" else f"Dihitung dari data {abbr} (ilustratif)"
    if code == "DISBUDPAR":  # deliberately below the baseline in the first year
        targets[0] = base_d - D("0.5")
    indicators = [(f"{code}.I1", s1, ind, unit, polarity, base_d, targets, formula),
                  (f"{code}.I2", s2, f"Nilai evaluasi SAKIP {abbr}", "indeks", "higher_is_better",
                   D(60 + i % 10), [D(62 + i % 10 + 2 * k) for k in range(5)],
                   "Nilai hasil evaluasi AKIP oleh Inspektorat")]
    if code == "BIRO-HUMAS":  # deliberately an objective that serves no province objective
        rows[excel.AGENCY_OBJECTIVE].append(
            {"kode": s3, "kode_pd": code, "sasaran": "Terselenggaranya keprotokolan yang tertib",
             "mendukung": [], "kode_induk": "", "ilustratif": True})
        indicators.append((f"{code}.I3", s3, "Persentase acara pimpinan yang terlaksana sesuai "
                           "standar protokol", "persen", "higher_is_better", D(90),
                           [D(91 + k) for k in range(5)], "Acara sesuai standar / seluruh acara"))
    if code == "DINKES":  # a sub-objective under the health objective
        rows[excel.AGENCY_OBJECTIVE].append(
            {"kode": s3, "kode_pd": code, "sasaran": "Menurunnya prevalensi stunting balita",
             "mendukung": [], "kode_induk": s1, "ilustratif": True})
        indicators.append((f"{code}.I3", s3, "Persentase balita gizi buruk yang ditangani",
                           "persen", "higher_is_better", D(90), [D(92 + k) for k in range(5)],
                           "Balita gizi buruk ditangani / seluruh kasus × 100"))
    for icode, owner, name, u, p, b, ts, f in indicators:
        rows[excel.INDICATOR].append({
            "kode": icode, "kode_induk": owner, "nama": name, "definisi": "", "rumus": f,
            "satuan": u, "tingkat": "output" if u in ("laporan",) else "outcome",
            "polaritas": p, "penggabungan": "last", "desimal": 2, "sumber_data": abbr,
            "pd_penanggung_jawab": code, "tahun_awal": 2024, "nilai_awal": b, "iku": True,
            "ilustratif": True})
        for year, t in zip(YEARS, ts, strict=True):
            if code == "DESDM" and icode.endswith("I1") and year == END:
                continue  # deliberately a missing year
            rows[excel.TARGET].append({"kode_indikator": icode, "tahun": year,
                                       "target": excel._canon(t), "target_atas": None,
                                       "ilustratif": True})
    # Programs: support programme (serves the accountability objective) and a sector programme.
    scale = D(5 + (i * 37) % 120) * D(1_000_000_000)
    for n, (pcode, pname, owner) in enumerate((
            (f"{bidang}.01", "Program Penunjang Urusan Pemerintahan Daerah Provinsi", s2),
            (f"{bidang}.02" if code != "BPKAD" else f"{bidang}.03",
             f"Program {obj[len('Meningkatnya '):] if obj.startswith('Meningkatnya ') else obj}",
             "" if code == "BPKAD" else s1))):
        rows[excel.PROGRAM].append({"kode_pd": code, "kode": pcode, "nama": pname,
                                    "kode_sasaran_pd": owner, "ilustratif": True})
        acode = f"{pcode}.1.01"
        aname = ("Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah" if n == 0
                 else f"Penyelenggaraan {pname[len('Program '):].lower()}")
        rows[excel.ACTIVITY].append({"kode_pd": code, "kode_program": pcode, "kode": acode,
                                     "nama": aname})
        rows[excel.SUB_ACTIVITY].append({
            "kode_pd": code, "kode_kegiatan": acode, "kode": f"{acode}.0001",
            "nama": "Penyusunan Dokumen Perencanaan Perangkat Daerah" if n == 0
            else f"Pelaksanaan {aname.lower()}"})
        for k, year in enumerate(YEARS):
            amount = (scale if n else scale / 4) * (1 + D("0.05") * k)
            rows[excel.CEILING].append({"kode_pd": code, "kode": pcode, "tahun": year,
                                        "pagu": excel._canon(amount.quantize(D(1))),
                                        "ilustratif": True})


def load(pemda: Pemda) -> None:
    """Add this app's demo rows for the province (idempotent)."""
    if PlanPeriod.objects.filter(start_year=START, end_year=END).exists():
        return
    agencies = [a for a in Agency.objects.order_by("code") if a.code in SECTOR]
    plan = excel.validate_plan(plan_rows(agencies))
    plan_import(actor=None, pemda=pemda, plan=plan)
